/** Companion of shaders/inputs.wgsl: draws the random input rows of one chunk. */

import source from '../../shaders/inputs.wgsl?raw';
import philox from '../../shaders/philox.wgsl?raw';
import type { InputDistribution } from '../lab/sampling';
import { ComputeKernel, grid, packUniforms } from './kernel';
import { SAMPLING_CONSTANTS, SHAPE_IDS } from './shapes';

const WORKGROUP = 256;

export class InputsKernel {
  private constructor(private readonly kernel: ComputeKernel) {}

  static async create(device: GPUDevice): Promise<InputsKernel> {
    return new InputsKernel(await ComputeKernel.compile(device, 'inputs', SAMPLING_CONSTANTS + philox + source, 32));
  }

  /** `rows` holds the chunk's batch-row indices (u32); `target` receives [rowCount × width]. */
  draw(
    target: GPUBuffer,
    rows: GPUBuffer,
    d: { seed: number; trial: number; rowCount: number; width: number; distribution: InputDistribution },
  ): void {
    const { groups, gridWidth } = grid(d.rowCount * d.width, WORKGROUP);
    const data = packUniforms([
      { u32: d.seed },
      { u32: d.trial },
      { u32: d.rowCount },
      { u32: d.width },
      { u32: SHAPE_IDS[d.distribution] },
      { u32: gridWidth },
    ]);
    this.kernel.dispatch(data, [rows, target], groups);
  }
}
