/**
 * Companion of shaders/layer.wgsl, the fused layer step: matmul with φ on load, renormalisation, bias, activation,
 * and the statistics of Z and H as one partial per 64×64 output tile. Dispatched in slabs of rows.
 */
import activation from '../../shaders/activation.wgsl?raw';
import source from '../../shaders/layer.wgsl?raw';
import moments from '../../shaders/moments.wgsl?raw';
import productTile from '../../shaders/productTile.wgsl?raw';
import range from '../../shaders/range.wgsl?raw';
import type { ActivationName } from '../lab/activations';
import { ComputeKernel, packUniforms } from './kernel';

export const TILE = 64;
/** Bytes of one MomentPair partial. */
export const PARTIAL_BYTES = 24;

/** The activations shaders/activation.wgsl implements, by the table's id. */
export const GPU_ACTIVATIONS: readonly ActivationName[] = ['linear', 'relu', 'tanh', 'sigmoid', 'leaky-relu', 'gelu'];

export interface LayerStep {
  rows: number;
  fanIn: number;
  fanOut: number;
  activationId: number;
  /** false for layer 1, whose input is X rather than the previous Z. */
  activateInput: boolean;
  /** 0-based layer index into the layer state. */
  layer: number;
  bias: number;
  slope: number;
}

export const tilesAlong = (n: number) => Math.ceil(n / TILE);

export class LayerKernel {
  private constructor(private readonly kernel: ComputeKernel) {}

  static async create(device: GPUDevice): Promise<LayerKernel> {
    return new LayerKernel(
      await ComputeKernel.compile(device, 'layer', moments + activation + range + productTile + source, 48),
    );
  }

  /** Rows [rowOffset, rowOffset + slabRows) of the step; rowOffset is a multiple of TILE. */
  slab(
    buffers: { input: GPUBuffer; weights: GPUBuffer; output: GPUBuffer; partials: GPUBuffer; layerState: GPUBuffer },
    step: LayerStep,
    rowOffset: number,
    slabRows: number,
  ): void {
    const data = packUniforms([
      { u32: step.rows },
      { u32: step.fanIn },
      { u32: step.fanOut },
      { u32: rowOffset },
      { u32: step.activationId },
      { u32: step.activateInput ? 1 : 0 },
      { u32: step.layer },
      { u32: tilesAlong(step.fanOut) },
      { f32: step.bias },
      { f32: step.slope },
    ]);
    const { input, weights, output, partials, layerState } = buffers;
    this.kernel.dispatch(
      data,
      [input, weights, output, partials, layerState],
      [tilesAlong(step.fanOut), tilesAlong(slabRows)],
    );
  }
}
