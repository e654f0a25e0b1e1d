/**
 * The fused forward step of one layer over a chunk, in slabs of rows sized to the measured pace: what the forward
 * pass runs, and what the backward pass reruns to recompute Z between checkpoints (same kernel, inputs and exponents,
 * so the same bits; a slab's size does not change any element's sum).
 */
import { fanInOf, type Pace, type TrialNetwork } from './job';
import type { LayerBuffers, LayerKernel } from './layerKernel';
import { slabRows } from './plan';

export function forwardStep(
  kernel: LayerKernel,
  buffers: LayerBuffers,
  net: TrialNetwork,
  rows: number,
  layer: number,
  pace: Pace,
): void {
  const fanIn = fanInOf(net, layer);
  const step = {
    rows,
    fanIn,
    fanOut: net.width,
    activationId: net.activationId,
    activateInput: layer > 1,
    layer: layer - 1,
    bias: net.bias,
    slope: net.slope,
  };
  const slab = slabRows(rows, fanIn, net.width, pace.macsPerMs, pace.sliceMs);
  for (let offset = 0; offset < rows; offset += slab) kernel.slab(buffers, step, offset, Math.min(slab, rows - offset));
}
