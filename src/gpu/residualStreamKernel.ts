/**
 * Companion of shaders/residualStream.wgsl: a residual block's stream update x ← x + α·y over a chunk, in place, with
 * the statistics of the branch α·y and of the new stream as one partial per 64×64 tile, and their range flags.
 */
import source from '../../shaders/residualStream.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { tilesAlong } from './geometry';
import { type BindingBuffers, defineKernel, Kernel, type KernelOf } from './kernel';

const spec = defineKernel({
  label: 'residualStream',
  source,
  fragments: [FRAGMENTS.moments, FRAGMENTS.range],
  uniforms: {
    rows: 'u32',
    width: 'u32',
    alpha: 'f32',
    // The state slot the flags go to (layerState.ts's layout: slot A the branch, slot B the stream).
    slot: 'u32',
    // Workgroups along the width: the stride of the partials.
    tilesX: 'u32',
  },
  bindings: {
    // y = H·W₂ + b, the branch before its scale.
    branchOut: { type: 'array<f32>', access: 'read' },
    stream: { type: 'array<f32>', access: 'read_write' },
    partials: { type: 'array<MomentPair>', access: 'read_write' },
    layerState: { type: 'array<atomic<u32>>', access: 'read_write' },
  },
});

export type ResidualStreamBuffers = BindingBuffers<typeof spec.bindings>;

export class ResidualStreamKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<ResidualStreamKernel> {
    return new ResidualStreamKernel(await Kernel.compile(device, spec));
  }

  /** x ← x + α·y over `rows` rows of `width`; returns the partials written (merge them into state slot `slot`). */
  update(buffers: ResidualStreamBuffers, rows: number, width: number, alpha: number, slot: number): number {
    const tilesX = tilesAlong(width);
    this.kernel.dispatch({ rows, width, alpha, slot, tilesX }, buffers, [tilesX, tilesAlong(rows)]);
    return tilesX * tilesAlong(rows);
  }
}
