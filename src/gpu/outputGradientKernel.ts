/** Companion of shaders/outputGradient.wgsl: δ_L = g_L ⊙ φ'(Z_L) for one chunk, g_L drawn on the GPU, with statistics. */
import source from '../../shaders/outputGradient.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { tilesAlong } from './geometry';
import { type BindingBuffers, defineKernel, Kernel, type KernelOf } from './kernel';

const spec = defineKernel({
  label: 'outputGradient',
  source,
  fragments: [FRAGMENTS.philox, FRAGMENTS.tileMoments, FRAGMENTS.activation, FRAGMENTS.range],
  uniforms: {
    seed: 'u32',
    trial: 'u32',
    rows: 'u32',
    width: 'u32',
    depth: 'u32',
    activation: 'u32',
    // Workgroups along width: the stride of the partials.
    tilesX: 'u32',
    slope: 'f32',
  },
  bindings: {
    batchRows: { type: 'array<u32>', access: 'read' },
    pre: { type: 'array<f32>', access: 'read' },
    delta: { type: 'array<f32>', access: 'read_write' },
    partials: { type: 'array<Moments>', access: 'read_write' },
    gradState: { type: 'array<atomic<u32>>', access: 'read_write' },
  },
});

export interface OutputGradientStep {
  seed: number;
  trial: number;
  rows: number;
  width: number;
  depth: number;
  activationId: number;
  slope: number;
}

export class OutputGradientKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<OutputGradientKernel> {
    return new OutputGradientKernel(await Kernel.compile(device, spec));
  }

  /** `batchRows` holds the chunk's batch-row indices (u32); one partial per 64×64 tile of [rows × width]. */
  run(buffers: BindingBuffers<typeof spec.bindings>, s: OutputGradientStep): void {
    const { seed, trial, rows, width, depth, slope } = s;
    this.kernel.dispatch(
      { seed, trial, rows, width, depth, activation: s.activationId, tilesX: tilesAlong(width), slope },
      buffers,
      [tilesAlong(width), tilesAlong(rows)],
    );
  }
}
