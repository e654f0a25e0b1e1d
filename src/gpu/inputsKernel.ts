/** Companion of shaders/inputs.wgsl: draws the random input rows of one chunk. */
import source from '../../shaders/inputs.wgsl?raw';
import type { InputDistribution } from '../lab/sampling';
import { FRAGMENTS } from './fragments';
import { defineKernel, grid, Kernel, type KernelOf } from './kernel';
import { SHAPE_IDS } from './shapes';

const WORKGROUP = 256;

const spec = defineKernel({
  label: 'inputs',
  source,
  fragments: [FRAGMENTS.philox],
  uniforms: { seed: 'u32', trial: 'u32', rowCount: 'u32', width: 'u32', shape: 'u32', gridWidth: 'u32' },
  bindings: {
    rows: { type: 'array<u32>', access: 'read' },
    inputs: { type: 'array<f32>', access: 'read_write' },
  },
});

export class InputsKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<InputsKernel> {
    return new InputsKernel(await Kernel.compile(device, spec));
  }

  /** `rows` holds the chunk's batch-row indices (u32); `target` receives [rowCount × width]. */
  draw(
    target: GPUBuffer,
    rows: GPUBuffer,
    d: { seed: number; trial: number; rowCount: number; width: number; distribution: InputDistribution },
  ): void {
    const { groups, gridWidth } = grid(d.rowCount * d.width, WORKGROUP);
    const { seed, trial, rowCount, width } = d;
    this.kernel.dispatch(
      { seed, trial, rowCount, width, shape: SHAPE_IDS[d.distribution], gridWidth },
      { rows, inputs: target },
      groups,
    );
  }
}
