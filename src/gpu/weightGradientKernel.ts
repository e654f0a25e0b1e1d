/**
 * Companion of shaders/weightGradient.wgsl: ∂L/∂W_l = H_{l−1}ᵀ·δ_l with its statistics, dispatched in slabs of input
 * units. Across the chunks of a batch it adds into and stores a running sum; the last chunk takes the statistics.
 */
import source from '../../shaders/weightGradient.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { tilesAlong } from './geometry';
import { type BindingBuffers, defineKernel, Kernel, type KernelOf } from './kernel';

const spec = defineKernel({
  label: 'weightGradient',
  source,
  fragments: [FRAGMENTS.tileMoments, FRAGMENTS.activation, FRAGMENTS.range, FRAGMENTS.productTile],
  uniforms: {
    rows: 'u32',
    fanIn: 'u32',
    fanOut: 'u32',
    // First row of ∂L/∂W (input unit) of this slab: a multiple of TILE.
    rowOffset: 'u32',
    // The first row of ∂L/∂W the sum buffer keeps.
    sumOffset: 'u32',
    activation: 'u32',
    // 1 when `input` holds Z_{l−1}; 0 when it holds X.
    activateInput: 'u32',
    // 0-based layer index: the slot in gradState.
    layer: 'u32',
    // Workgroups along fanOut: the stride of the partials.
    tilesX: 'u32',
    slope: 'f32',
    add: 'u32',
    store: 'u32',
    reduce: 'u32',
  },
  bindings: {
    input: { type: 'array<f32>', access: 'read' },
    delta: { type: 'array<f32>', access: 'read' },
    sum: { type: 'array<f32>', access: 'read_write' },
    partials: { type: 'array<Moments>', access: 'read_write' },
    gradState: { type: 'array<atomic<u32>>', access: 'read_write' },
  },
});

export interface WeightGradientStep {
  rows: number;
  fanIn: number;
  fanOut: number;
  activationId: number;
  /** false for layer 1, whose input is X. */
  activateInput: boolean;
  /** 0-based layer index. */
  layer: number;
  slope: number;
  /** Add the earlier chunks' sum; store the running sum; take the statistics (the last chunk). */
  add: boolean;
  store: boolean;
  reduce: boolean;
}

export class WeightGradientKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<WeightGradientKernel> {
    return new WeightGradientKernel(await Kernel.compile(device, spec));
  }

  /**
   * Input units [unitOffset, unitOffset + units) of the product, a multiple of TILE, into a sum buffer that keeps rows
   * from `sumOffset` on.
   */
  slab(
    buffers: BindingBuffers<typeof spec.bindings>,
    s: WeightGradientStep,
    unitOffset: number,
    units: number,
    sumOffset: number,
  ): void {
    const { rows, fanIn, fanOut, layer, slope } = s;
    this.kernel.dispatch(
      {
        rows,
        fanIn,
        fanOut,
        rowOffset: unitOffset,
        sumOffset,
        activation: s.activationId,
        activateInput: s.activateInput ? 1 : 0,
        layer,
        tilesX: tilesAlong(fanOut),
        slope,
        add: s.add ? 1 : 0,
        store: s.store ? 1 : 0,
        reduce: s.reduce ? 1 : 0,
      },
      buffers,
      [tilesAlong(fanOut), tilesAlong(units)],
    );
  }
}
