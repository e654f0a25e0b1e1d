/**
 * The backward half of one chunk (src/cpu/backward.ts gives the math): δ_L from the output gradient, then per layer,
 * top down, ∂L/∂W_l = H_{l−1}ᵀ·δ_l and δ_{l−1} = (δ_l·W_lᵀ) ⊙ φ'(Z_{l−1}), each with statistics fused and merged,
 * one layer in flight at a time (for progress, cancellation and pacing). Z_l comes from the forward pass's trace,
 * recomputed from the checkpoint below it when the trace keeps only checkpoints (plan.ts); W_l is regenerated from
 * the Philox stream. With exact scaling, δ carries exponents as Z does (see scale.ts).
 */
import { inputWidth } from '../lab/config';
import { throwIfAborted } from '../lab/results';
import { BackwardLayerKernel } from './backwardLayerKernel';
import type { ChunkHooks, ChunkJob, Pace } from './chunkRunner';
import { GradMergeKernel } from './gradMergeKernel';
import type { HistogramPhase } from './histogramSet';
import { type LayerKernel, tilesAlong } from './layerKernel';
import { forwardStep } from './layerStep';
import { loadLayerWeights } from './layerWeights';
import type { ExponentRule } from './mergeKernel';
import { OutputGradientKernel } from './outputGradientKernel';
import { slabRows } from './plan';
import type { RunBuffers } from './runBuffers';
import { WeightGradientKernel } from './weightGradientKernel';
import type { WeightsKernel } from './weightsKernel';

/** Compiled on a run's first backward pass: forward-only runs do without them. */
export interface BackwardKernels {
  outputGradient: OutputGradientKernel;
  backwardLayer: BackwardLayerKernel;
  weightGradient: WeightGradientKernel;
  gradMerge: GradMergeKernel;
}

export async function createBackwardKernels(device: GPUDevice): Promise<BackwardKernels> {
  const [outputGradient, backwardLayer, weightGradient, gradMerge] = await Promise.all([
    OutputGradientKernel.create(device),
    BackwardLayerKernel.create(device),
    WeightGradientKernel.create(device),
    GradMergeKernel.create(device),
  ]);
  return { outputGradient, backwardLayer, weightGradient, gradMerge };
}

/** Where the chunk sits in its trial: ∂L/∂W sums over all chunks, and only the last takes its statistics. */
export interface ChunkPlace {
  first: boolean;
  last: boolean;
}

export class BackwardPass {
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
    h.set.measure(phase ?? h.phase, layer - 1, quantity, {
      values,
      count,
      applyPhi: false,
      activationId: job.activation.id,
      slope: job.config.slope,
    });
  }

  constructor(
    private readonly device: GPUDevice,
    private readonly kernels: BackwardKernels & { weights: WeightsKernel; layer: LayerKernel },
    private readonly buffers: RunBuffers,
    private readonly pace: Pace,
    private readonly settle: (work: Promise<unknown>) => Promise<unknown>,
  ) {}

  /** Per ring slot of the trace, the layer whose Z it holds; the forward pass leaves the latest in each. */
  private held: number[] = [];

  /**
   * Makes Z_layer available: a checkpoint (or X) always is; a ring slot that holds another layer gets the segment
   * recomputed from its checkpoint up to `layer`, with the forward pass's exponents, still in the layer states.
   */
  private ensureHeld(job: ChunkJob, layer: number): void {
    const { segment } = this.buffers;
    if (layer === 0 || layer % segment === 0 || this.held[layer % segment] === layer) return;
    const width = job.config.width;
    for (let l = layer - (layer % segment) + 1; l <= layer; l++) {
      const fanIn = l === 1 ? inputWidth(job.config) : width;
      loadLayerWeights(this.kernels.weights, this.buffers.weights, job, l, fanIn);
      forwardStep(this.kernels.layer, this.buffers, job, l, fanIn, this.pace);
      this.held[l % segment] = l;
    }
  }

  async run(job: ChunkJob, exponentRule: ExponentRule, hooks: ChunkHooks): Promise<void> {
    const { config, place } = job;
    this.held = [];
    for (let l = 1; l <= config.depth; l++) this.held[l % this.buffers.segment] = l;
    const { kernels, buffers } = this;
    const b = buffers.backward!;
    const rows = job.rows.length;
    const width = config.width;
    const common = { activationId: job.activation.id, slope: config.slope };
    const mergeGrad = (layer: number) =>
      kernels.gradMerge.merge(buffers.partials, b.gradState, {
        partialCount: tilesAlong(rows) * tilesAlong(width),
        layer,
        slot: 'grad',
        exponent: exponentRule,
      });

    kernels.outputGradient.run(
      {
        batchRows: buffers.rows,
        pre: buffers.traceSlot(config.depth),
        delta: b.deltas[config.depth % 2],
        partials: buffers.partials,
        gradState: b.gradState,
      },
      { seed: config.seed, trial: job.trial, rows, width, depth: config.depth, ...common },
    );
    mergeGrad(config.depth - 1);
    this.measure(job, config.depth, 'grad', b.deltas[config.depth % 2], rows * width);

    for (let layer = config.depth; layer >= 1; layer--) {
      throwIfAborted(hooks.signal);
      const started = performance.now();
      const fanIn = layer === 1 ? inputWidth(config) : width;
      const delta = b.deltas[layer % 2];
      this.ensureHeld(job, layer - 1);
      // A batch in chunks keeps each layer's sum; histograms need the last chunk's total stored, one layer at a time.
      const sum = b.weightGradSums[layer - 1] ?? b.weightGradSums[0] ?? b.noSum;
      const weightStep = {
        rows,
        fanIn,
        fanOut: width,
        ...common,
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
        kernels.gradMerge.merge(buffers.partials, b.gradState, {
          partialCount: tilesAlong(fanIn) * tilesAlong(width),
          layer: layer - 1,
          slot: 'weightGrad',
          exponent: 'keep',
        });
        // The total exists only now, so its range and counts are taken together, in the counting pass.
        if (job.histograms && job.histograms.phase !== 'range')
          this.measure(job, layer, 'weightGrad', sum, fanIn * width, 'both');
      }
      if (layer > 1) {
        loadLayerWeights(kernels.weights, buffers.weights, job, layer, fanIn);
        const step = { rows, fanIn, fanOut: width, ...common, layer: layer - 1 };
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
      await this.settle(this.device.queue.onSubmittedWorkDone());
      const elapsed = performance.now() - started;
      // Two products per step; a recomputation in the step makes this an underestimate, so later slabs err small.
      if (elapsed > 10) this.pace.macsPerMs = (2 * rows * fanIn * width) / elapsed;
      throwIfAborted(hooks.signal);
      hooks.onLayer(layer);
    }
  }
}
