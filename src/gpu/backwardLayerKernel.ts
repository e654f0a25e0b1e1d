/**
 * Companion of shaders/backwardLayer.wgsl, the fused backward step: δ_l·W_lᵀ, renormalisation, φ'(Z_{l−1}), and the
 * statistics of δ_{l−1} as one partial per 64×64 tile. Dispatched in slabs of rows, as the forward step.
 */
import activation from '../../shaders/activation.wgsl?raw';
import source from '../../shaders/backwardLayer.wgsl?raw';
import gradState from '../../shaders/gradState.wgsl?raw';
import moments from '../../shaders/moments.wgsl?raw';
import productTile from '../../shaders/productTile.wgsl?raw';
import range from '../../shaders/range.wgsl?raw';
import tileMoments from '../../shaders/tileMoments.wgsl?raw';
import { ComputeKernel, packUniforms } from './kernel';
import { tilesAlong } from './layerKernel';

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
  private constructor(private readonly kernel: ComputeKernel) {}

  static async create(device: GPUDevice): Promise<BackwardLayerKernel> {
    const code = moments + tileMoments + activation + range + gradState + productTile + source;
    return new BackwardLayerKernel(await ComputeKernel.compile(device, 'backwardLayer', code, 32));
  }

  /** Rows [rowOffset, rowOffset + slabRows) of the step; rowOffset is a multiple of TILE. */
  slab(
    b: {
      upstream: GPUBuffer;
      weights: GPUBuffer;
      pre: GPUBuffer;
      delta: GPUBuffer;
      partials: GPUBuffer;
      gradState: GPUBuffer;
    },
    s: BackwardStep,
    rowOffset: number,
    slabRows: number,
  ): void {
    const data = packUniforms([
      { u32: s.rows },
      { u32: s.fanIn },
      { u32: s.fanOut },
      { u32: rowOffset },
      { u32: s.activationId },
      { u32: s.layer },
      { u32: tilesAlong(s.fanIn) },
      { f32: s.slope },
    ]);
    this.kernel.dispatch(
      data,
      [b.upstream, b.weights, b.pre, b.delta, b.partials, b.gradState],
      [tilesAlong(s.fanIn), tilesAlong(slabRows)],
    );
  }
}
