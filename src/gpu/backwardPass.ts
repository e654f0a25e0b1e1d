/**
 * The backward half of one chunk (src/cpu/backward.ts gives the math): δ_L from the output gradient, then per layer,
 * top down, ∂L/∂W_l = H_{l−1}ᵀ·δ_l and δ_{l−1} = (δ_l·W_lᵀ) ⊙ φ'(Z_{l−1}), each with statistics fused and merged,
 * one layer in flight at a time (for progress, cancellation and pacing). Z_l comes from the forward pass's trace,
 * recomputed from the checkpoint below it when the trace keeps only checkpoints (plan.ts); W_l is regenerated from
 * the Philox stream. δ carries exponents as Z does on the exact route (see scale.ts), for every φ and bias: δ_{l−1} is
 * linear in δ_l, so a power of two divided out of δ_l comes out of δ_{l−1} and ∂L/∂W_l exactly.
 */
import { throwIfAborted } from '../lab/engine';
import type { GpuContext } from './device';
import { tilesAlong } from './geometry';
import type { HistogramPhase } from './histogramSet';
import { type ChunkHooks, type ChunkJob, fanInOf, type Pace } from './job';
import type { BackwardKernels, Kernels } from './kernels';
import type { ExponentRule } from './layerState';
import { forwardStep } from './layerStep';
import { loadLayerWeights } from './layerWeights';
import { slabRows } from './plan';
import type { RunBuffers } from './runBuffers';

export type BackwardPassKernels = BackwardKernels & Pick<Kernels, 'weights' | 'layer' | 'merge'>;

export class BackwardPass {
  /** Per ring slot of the trace, the layer whose Z it holds; the forward pass leaves the latest in each. */
  private held: number[] = [];

  constructor(
    private readonly gpu: GpuContext,
    private readonly kernels: BackwardPassKernels,
    private readonly buffers: RunBuffers,
    private readonly pace: Pace,
  ) {}

  /** Layer `layer`'s (1-based) ∂L/∂Z or ∂L/∂W into the histograms, when the job fills them. */
  private measure(
    job: ChunkJob,
    layer: number,
    quantity: 'grad' | 'weightGrad',
    values: GPUBuffer,
    count: number,
    phase?: HistogramPhase,
  ): void {
    const h = job.histograms;
    if (!h) return;
    const { activationId, slope } = job.net;
    h.set.measure(phase ?? h.phase, layer - 1, quantity, { values, count, applyPhi: false, activationId, slope });
  }

  /**
   * Makes Z_layer available: a checkpoint (or X) always is; a ring slot that holds another layer gets the segment
   * recomputed from its checkpoint up to `layer`, with the forward pass's exponents, still in the layer states.
   */
  private ensureHeld(job: ChunkJob, layer: number): void {
    const { segment } = this.buffers;
    if (layer === 0 || layer % segment === 0 || this.held[layer % segment] === layer) return;
    for (let l = layer - (layer % segment) + 1; l <= layer; l++) {
      loadLayerWeights(this.kernels.weights, this.buffers.weights, job.net, l);
      forwardStep(this.kernels.layer, this.buffers.forwardBuffers(l), job.net, job.rows.length, l, this.pace);
      this.held[l % segment] = l;
    }
  }

  async run(job: ChunkJob, exponentRule: ExponentRule, hooks: ChunkHooks): Promise<void> {
    const { net, place } = job;
    this.held = [];
    for (let l = 1; l <= net.depth; l++) this.held[l % this.buffers.segment] = l;
    const { kernels, buffers } = this;
    const b = buffers.backward!;
    const rows = job.rows.length;
    const { width, depth, activationId, slope } = net;
    const mergeGrad = (layer: number) =>
      kernels.merge.merge(buffers.partials, b.gradState, {
        partialCount: tilesAlong(rows) * tilesAlong(width),
        slots: 'a',
        layer,
        exponent: exponentRule,
      });

    kernels.outputGradient.run(
      {
        batchRows: buffers.rows,
        pre: buffers.traceSlot(depth),
        delta: b.deltas[depth % 2],
        partials: buffers.partials,
        gradState: b.gradState,
      },
      { seed: net.seed, trial: net.trial, rows, width, depth, activationId, slope },
    );
    mergeGrad(depth - 1);
    this.measure(job, depth, 'grad', b.deltas[depth % 2], rows * width);

    for (let layer = depth; layer >= 1; layer--) {
      throwIfAborted(hooks.signal);
      const started = performance.now();
      const fanIn = fanInOf(net, layer);
      const delta = b.deltas[layer % 2];
      this.ensureHeld(job, layer - 1);
      // A batch in chunks keeps each layer's sum; histograms need the last chunk's total stored, one layer at a time.
      const sum = b.weightGradSums[layer - 1] ?? b.weightGradSums[0] ?? b.noSum;
      const weightStep = {
        rows,
        fanIn,
        fanOut: width,
        activationId,
        slope,
        activateInput: layer > 1,
        layer: layer - 1,
        add: !place.first,
        store: !place.last || job.histograms !== null,
        reduce: place.last,
      };
      const units = slabRows(fanIn, rows, width, this.pace.macsPerMs, this.pace.sliceMs);
      for (let offset = 0; offset < fanIn; offset += units) {
        kernels.weightGradient.slab(
          { input: buffers.layerInput(layer), delta, sum, partials: buffers.partials, gradState: b.gradState },
          weightStep,
          offset,
          Math.min(units, fanIn - offset),
        );
      }
      if (place.last) {
        kernels.merge.merge(buffers.partials, b.gradState, {
          partialCount: tilesAlong(fanIn) * tilesAlong(width),
          slots: 'b',
          layer: layer - 1,
          exponent: 'keep',
        });
        // The total exists only now, so its range and counts are taken together, in the counting pass.
        if (job.histograms && job.histograms.phase !== 'range') {
          this.measure(job, layer, 'weightGrad', sum, fanIn * width, 'both');
        }
      }
      if (layer > 1) {
        loadLayerWeights(kernels.weights, buffers.weights, net, layer);
        const step = { rows, fanIn, fanOut: width, activationId, slope, layer: layer - 1 };
        const slab = slabRows(rows, width, fanIn, this.pace.macsPerMs, this.pace.sliceMs);
        for (let offset = 0; offset < rows; offset += slab) {
          kernels.backwardLayer.slab(
            {
              upstream: delta,
              weights: buffers.weights,
              pre: buffers.traceSlot(layer - 1),
              delta: b.deltas[(layer - 1) % 2],
              partials: buffers.partials,
              gradState: b.gradState,
            },
            step,
            offset,
            Math.min(slab, rows - offset),
          );
        }
        mergeGrad(layer - 2);
        this.measure(job, layer - 1, 'grad', b.deltas[(layer - 1) % 2], rows * width);
      }
      await this.gpu.settle(this.gpu.device.queue.onSubmittedWorkDone());
      const elapsed = performance.now() - started;
      // Two products per step; a recomputation in the step makes this an underestimate, so later slabs err small.
      if (elapsed > 10) this.pace.macsPerMs = (2 * rows * fanIn * width) / elapsed;
      throwIfAborted(hooks.signal);
      hooks.onLayer(layer);
    }
  }
}
