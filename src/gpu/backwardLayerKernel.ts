/**
 * Companion of shaders/backwardLayer.wgsl, the fused backward step: δ_l·W_lᵀ, renormalisation, φ'(Z_{l−1}), and the
 * statistics of δ_{l−1} as one partial per 64×64 tile. Dispatched in slabs of rows, as the forward step.
 */
import source from '../../shaders/backwardLayer.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { tilesAlong } from './geometry';
import { type BindingBuffers, defineKernel, Kernel, type KernelOf } from './kernel';

const spec = defineKernel({
  label: 'backwardLayer',
  source,
  fragments: [FRAGMENTS.tileMoments, FRAGMENTS.activation, FRAGMENTS.range, FRAGMENTS.productTile],
  uniforms: {
    rows: 'u32',
    // Columns of δ_{l−1} (the fan-in of layer l) and of δ_l (its width): the product's output and shared dimensions.
    fanIn: 'u32',
    fanOut: 'u32',
    // First row of this slab within the chunk: a multiple of TILE.
    rowOffset: 'u32',
    // The block of units (rows of W) the weights buffer holds: unitOffset a multiple of TILE.
    unitOffset: 'u32',
    blockUnits: 'u32',
    activation: 'u32',
    // 0-based index of layer l: its exponent is read, layer l − 1's slot is written.
    layer: 'u32',
    // Workgroups along fanIn: the stride of the partials.
    tilesX: 'u32',
    slope: 'f32',
  },
  bindings: {
    upstream: { type: 'array<f32>', access: 'read' },
    weights: { type: 'array<f32>', access: 'read' },
    pre: { type: 'array<f32>', access: 'read' },
    delta: { type: 'array<f32>', access: 'read_write' },
    partials: { type: 'array<Moments>', access: 'read_write' },
    gradState: { type: 'array<atomic<u32>>', access: 'read_write' },
  },
});

export interface BackwardStep {
  rows: number;
  /** Width of δ_{l−1} (layer l's fan-in) and of δ_l. */
  fanIn: number;
  fanOut: number;
  activationId: number;
  /** 0-based index of layer l. */
  layer: number;
  slope: number;
}

export class BackwardLayerKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<BackwardLayerKernel> {
    return new BackwardLayerKernel(await Kernel.compile(device, spec));
  }

  /**
   * Rows [rowOffset, rowOffset + slabRows) and units [unitOffset, unitOffset + blockUnits) of the step, the weights
   * buffer holding those rows of W; both offsets are multiples of TILE.
   */
  slab(
    buffers: BindingBuffers<typeof spec.bindings>,
    step: BackwardStep,
    rowOffset: number,
    slabRows: number,
    unitOffset: number,
    blockUnits: number,
  ): void {
    const { rows, fanIn, fanOut, layer, slope } = step;
    const tilesX = tilesAlong(fanIn);
    this.kernel.dispatch(
      { rows, fanIn, fanOut, rowOffset, unitOffset, blockUnits, activation: step.activationId, layer, tilesX, slope },
      buffers,
      [tilesAlong(blockUnits), tilesAlong(slabRows)],
    );
  }
}
