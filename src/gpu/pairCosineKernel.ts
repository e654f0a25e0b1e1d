/**
 * Companion of shaders/pairCosine.wgsl: the cosines of a chunk's pairs at one layer's Z, one Moments per 64-row tile,
 * then merged by the merge kernel into the layer's word of the run's pair state (runBuffers.ts).
 */
import source from '../../shaders/pairCosine.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { tilesAlong } from './geometry';
import { defineKernel, Kernel, type KernelOf } from './kernel';

const spec = defineKernel({
  label: 'pair cosine',
  source,
  fragments: [FRAGMENTS.moments, FRAGMENTS.geometry],
  uniforms: { rows: 'u32', width: 'u32' },
  bindings: {
    values: { type: 'array<f32>', access: 'read' },
    // One Moments per tile of rows; the forward partials buffer, free once the layer's statistics are merged.
    partials: { type: 'array<Moments>', access: 'read_write' },
  },
});

export class PairCosineKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<PairCosineKernel> {
    return new PairCosineKernel(await Kernel.compile(device, spec));
  }

  /** The tiles' cosine partials of `values` [rows × width]; returns how many partials it wrote. */
  measure(values: GPUBuffer, partials: GPUBuffer, rows: number, width: number): number {
    const tiles = tilesAlong(rows);
    this.kernel.dispatch({ rows, width }, { values, partials }, [tiles, 1]);
    return tiles;
  }
}
