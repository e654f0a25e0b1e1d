/**
 * The fused forward step of one layer over a chunk: the layer's biases written, then W_l in blocks of columns
 * (plan.ts), each drawn and then used for every slab of rows sized to the measured pace. What the forward pass runs, and what the backward pass reruns to
 * recompute Z between checkpoints (same kernels, inputs and exponents, so the same bits; neither a slab's size nor a
 * block's changes any element's sum).
 */
import { layerBiases } from '../lab/bias';
import { fanInOf, type Pace, type TrialNetwork } from './job';
import type { Kernels } from './kernels';
import type { LayerBuffers } from './layerKernel';
import { loadWeightBlock } from './layerWeights';
import { slabRows } from './plan';

export function forwardStep(
  kernels: Pick<Kernels, 'weights' | 'layer'>,
  buffers: LayerBuffers,
  net: TrialNetwork,
  rows: number,
  layer: number,
  pace: Pace,
  columns: number,
  /** Called after each block's weights are drawn, while they are in the weights buffer (histograms, the Jacobian). */
  onBlock?: (cols: number, colOffset: number) => void,
): void {
  const fanIn = fanInOf(net, layer);
  const step = {
    rows,
    fanIn,
    fanOut: net.width,
    activationId: net.activationId,
    activateInput: layer > 1,
    layer: layer - 1,
    slope: net.slope,
  };
  const biases = layerBiases(net.bias, net.seed, net.trial, layer, net.width);
  kernels.layer.writeBiases(buffers.biases, Float32Array.from(biases));
  for (let colOffset = 0; colOffset < net.width; colOffset += columns) {
    const cols = Math.min(columns, net.width - colOffset);
    loadWeightBlock(kernels.weights, buffers.weights, net, layer, { rowOffset: 0, rows: fanIn, colOffset, cols });
    onBlock?.(cols, colOffset);
    const slab = slabRows(rows, fanIn, cols, pace.macsPerMs, pace.sliceMs);
    for (let offset = 0; offset < rows; offset += slab) {
      kernels.layer.slab(buffers, step, offset, Math.min(slab, rows - offset), colOffset, cols);
    }
  }
}
