/**
 * Companion of shaders/layerNorm.wgsl: LayerNorm of every row of a chunk, one thread per row, into another buffer
 * (a residual block normalizes its stream x_l, which it keeps, before φ and W_{l,1}).
 */
import source from '../../shaders/layerNorm.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { type BindingBuffers, defineKernel, Kernel, type KernelOf } from './kernel';

const THREADS = 64;
/** WebGPU's guaranteed workgroups along one dimension: more rows than it holds go on in the second. */
const MAX_GROUPS = 65535;

const spec = defineKernel({
  label: 'layerNorm',
  source,
  fragments: [FRAGMENTS.range],
  uniforms: {
    rows: 'u32',
    width: 'u32',
    eps: 'f32',
    // The state slot whose slot-A flags an unheld input value sets (layerState.ts).
    slot: 'u32',
  },
  bindings: {
    values: { type: 'array<f32>', access: 'read' },
    normalized: { type: 'array<f32>', access: 'read_write' },
    layerState: { type: 'array<atomic<u32>>', access: 'read_write' },
  },
});

export type LayerNormBuffers = BindingBuffers<typeof spec.bindings>;

export class LayerNormKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<LayerNormKernel> {
    return new LayerNormKernel(await Kernel.compile(device, spec));
  }

  /** N of `rows` rows of `width` from `values` into `normalized`; input problems flag state slot `slot`'s slot A. */
  normalize(buffers: LayerNormBuffers, rows: number, width: number, eps: number, slot: number): void {
    const groups = Math.ceil(rows / THREADS);
    const across = Math.min(groups, MAX_GROUPS);
    this.kernel.dispatch({ rows, width, eps, slot }, buffers, [across, Math.ceil(groups / across)]);
  }
}
