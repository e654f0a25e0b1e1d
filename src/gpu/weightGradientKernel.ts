/**
 * Companion of shaders/weightGradient.wgsl: ∂L/∂W_l = H_{l−1}ᵀ·δ_l with its statistics, one partial per 64×64 tile
 * of [fanIn × fanOut]. Dispatched in slabs of input units; across the chunks of a batch, the sum is kept in a buffer.
 */
import activation from '../../shaders/activation.wgsl?raw';
import gradState from '../../shaders/gradState.wgsl?raw';
import moments from '../../shaders/moments.wgsl?raw';
import productTile from '../../shaders/productTile.wgsl?raw';
import range from '../../shaders/range.wgsl?raw';
import tileMoments from '../../shaders/tileMoments.wgsl?raw';
import source from '../../shaders/weightGradient.wgsl?raw';
import { ComputeKernel, packUniforms } from './kernel';
import { tilesAlong } from './layerKernel';

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
  private constructor(private readonly kernel: ComputeKernel) {}

  static async create(device: GPUDevice): Promise<WeightGradientKernel> {
    const code = moments + tileMoments + activation + range + gradState + productTile + source;
    return new WeightGradientKernel(await ComputeKernel.compile(device, 'weightGradient', code, 48));
  }

  /** Input units [unitOffset, unitOffset + units) of the product; unitOffset is a multiple of TILE. */
  slab(
    b: { input: GPUBuffer; delta: GPUBuffer; sum: GPUBuffer; partials: GPUBuffer; gradState: GPUBuffer },
    s: WeightGradientStep,
    unitOffset: number,
    units: number,
  ): void {
    const mode = (s.add ? 1 : 0) | (s.store ? 2 : 0) | (s.reduce ? 4 : 0);
    const data = packUniforms([
      { u32: s.rows },
      { u32: s.fanIn },
      { u32: s.fanOut },
      { u32: unitOffset },
      { u32: s.activationId },
      { u32: s.activateInput ? 1 : 0 },
      { u32: s.layer },
      { u32: tilesAlong(s.fanOut) },
      { f32: s.slope },
      { u32: mode },
    ]);
    this.kernel.dispatch(
      data,
      [b.input, b.delta, b.sum, b.partials, b.gradState],
      [tilesAlong(s.fanOut), tilesAlong(units)],
    );
  }
}
