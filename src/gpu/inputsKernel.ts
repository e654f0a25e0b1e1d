/** Companion of shaders/inputs.wgsl: draws the random input rows of one chunk (pairs as src/lab/sampling.ts builds them). */
import source from '../../shaders/inputs.wgsl?raw';
import type { RandomInputSpec } from '../lab/config';
import { FRAGMENTS } from './fragments';
import { defineKernel, grid, Kernel, type KernelOf } from './kernel';
import { SHAPE_IDS } from './shapes';

const WORKGROUP = 256;

const spec = defineKernel({
  label: 'inputs',
  source,
  fragments: [FRAGMENTS.philox],
  uniforms: {
    seed: 'u32',
    trial: 'u32',
    rowCount: 'u32',
    width: 'u32',
    shape: 'u32',
    gridWidth: 'u32',
    // 1 for pairs: odd rows are c₀·(the row above's draw) + √(1 − c₀²)·(their own).
    pairs: 'u32',
    correlation: 'f32',
    complement: 'f32',
  },
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
    d: { seed: number; trial: number; rowCount: number; input: RandomInputSpec },
  ): void {
    const { width, distribution } = d.input;
    const { groups, gridWidth } = grid(d.rowCount * width, WORKGROUP);
    const { seed, trial, rowCount } = d;
    const correlation = distribution === 'pairs' ? d.input.correlation : 0;
    this.kernel.dispatch(
      {
        seed,
        trial,
        rowCount,
        width,
        shape: SHAPE_IDS[distribution === 'uniform' ? 'uniform' : 'normal'],
        gridWidth,
        pairs: distribution === 'pairs' ? 1 : 0,
        correlation,
        complement: Math.sqrt(1 - correlation * correlation),
      },
      { rows, inputs: target },
      groups,
    );
  }
}
