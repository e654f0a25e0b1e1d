/**
 * The fused forward step of one layer over a chunk, in slabs of rows sized to the measured pace: what the forward
 * pass runs, and what the backward pass reruns to recompute Z between checkpoints (same kernel, inputs and exponents,
 * so the same bits; a slab's size does not change any element's sum).
 */
import type { ChunkJob, Pace } from './chunkRunner';
import type { LayerKernel } from './layerKernel';
import { slabRows } from './plan';
import type { RunBuffers } from './runBuffers';

export function forwardStep(
  kernel: LayerKernel,
  buffers: RunBuffers,
  job: ChunkJob,
  layer: number,
  fanIn: number,
  pace: Pace,
): void {
  const { config } = job;
  const rows = job.rows.length;
  const step = {
    rows,
    fanIn,
    fanOut: config.width,
    activationId: job.activation.id,
    activateInput: layer > 1,
    layer: layer - 1,
    bias: config.bias,
    slope: config.slope,
  };
  const targets = {
    input: buffers.layerInput(layer),
    weights: buffers.weights,
    output: buffers.layerOutput(layer),
    partials: buffers.partials,
    layerState: buffers.layerState,
  };
  const slab = slabRows(rows, fanIn, config.width, pace.macsPerMs, pace.sliceMs);
  for (let offset = 0; offset < rows; offset += slab) kernel.slab(targets, step, offset, Math.min(slab, rows - offset));
}
