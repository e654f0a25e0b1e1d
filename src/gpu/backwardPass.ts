/**
 * The backward half of one chunk (src/cpu/backward.ts gives the math): δ_L from the output gradient, then per layer,
 * top down, ∂L/∂W_l = H_{l−1}ᵀ·δ_l and δ_{l−1} = (δ_l·W_lᵀ) ⊙ φ'(Z_{l−1}), each with statistics fused and merged,
 * one layer in flight at a time (for progress, cancellation and pacing). Z_l comes from the forward pass's trace,
 * W_l is regenerated from the Philox stream. With exact scaling, δ carries exponents as Z does (see scale.ts).
 */
import { inputWidth } from '../lab/config';
import { throwIfAborted } from '../lab/results';
import type { BackwardLayerKernel } from './backwardLayerKernel';
import type { ChunkHooks, ChunkJob, Pace } from './chunkRunner';
import type { GradMergeKernel } from './gradMergeKernel';
import { tilesAlong } from './layerKernel';
import { loadLayerWeights } from './layerWeights';
import type { ExponentRule } from './mergeKernel';
import type { OutputGradientKernel } from './outputGradientKernel';
import { slabRows } from './plan';
import type { RunBuffers } from './runBuffers';
import type { WeightGradientKernel } from './weightGradientKernel';
import type { WeightsKernel } from './weightsKernel';

export interface BackwardKernels {
  weights: WeightsKernel;
  outputGradient: OutputGradientKernel;
  backwardLayer: BackwardLayerKernel;
  weightGradient: WeightGradientKernel;
  gradMerge: GradMergeKernel;
}

/** Where the chunk sits in its trial: ∂L/∂W sums over all chunks, and only the last takes its statistics. */
export interface ChunkPlace {
  first: boolean;
  last: boolean;
}

export class BackwardPass {
  constructor(
    private readonly device: GPUDevice,
    private readonly kernels: BackwardKernels,
    private readonly buffers: RunBuffers,
    private readonly pace: Pace,
    private readonly settle: (work: Promise<unknown>) => Promise<unknown>,
  ) {}

  async run(job: ChunkJob, place: ChunkPlace, exponentRule: ExponentRule, hooks: ChunkHooks): Promise<void> {
    const { config } = job;
    const { kernels, buffers } = this;
    const b = buffers.backward!;
    const rows = job.rows.length;
    const width = config.width;
    const common = { activationId: job.activation.id, slope: config.slope };
    const mergeGrad = (layer: number) =>
      kernels.gradMerge.merge(buffers.partials, b.gradState, { partialCount: tilesAlong(rows) * tilesAlong(width), layer, slot: 'grad', exponent: exponentRule });

    kernels.outputGradient.run(
      { batchRows: buffers.rows, pre: buffers.trace[config.depth - 1], delta: b.deltas[config.depth % 2], partials: buffers.partials, gradState: b.gradState },
      { seed: config.seed, trial: job.trial, rows, width, depth: config.depth, ...common },
    );
    mergeGrad(config.depth - 1);

    for (let layer = config.depth; layer >= 1; layer--) {
      throwIfAborted(hooks.signal);
      const started = performance.now();
      const fanIn = layer === 1 ? inputWidth(config) : width;
      const delta = b.deltas[layer % 2];
      const sum = b.weightGradSums[layer - 1] ?? b.noSum;
      const weightStep = {
        rows, fanIn, fanOut: width, ...common, activateInput: layer > 1, layer: layer - 1,
        add: !place.first, store: !place.last, reduce: place.last,
      };
      const units = slabRows(fanIn, rows, width, this.pace.macsPerMs, this.pace.sliceMs);
      for (let offset = 0; offset < fanIn; offset += units) {
        kernels.weightGradient.slab({ input: buffers.layerInput(layer), delta, sum, partials: buffers.partials, gradState: b.gradState },
          weightStep, offset, Math.min(units, fanIn - offset));
      }
      if (place.last) {
        kernels.gradMerge.merge(buffers.partials, b.gradState,
          { partialCount: tilesAlong(fanIn) * tilesAlong(width), layer: layer - 1, slot: 'weightGrad', exponent: 'keep' });
      }
      if (layer > 1) {
        loadLayerWeights(kernels.weights, buffers.weights, job, layer, fanIn);
        const step = { rows, fanIn, fanOut: width, ...common, layer: layer - 1 };
        const slab = slabRows(rows, width, fanIn, this.pace.macsPerMs, this.pace.sliceMs);
        for (let offset = 0; offset < rows; offset += slab) {
          kernels.backwardLayer.slab({
            upstream: delta, weights: buffers.weights, pre: buffers.trace[layer - 2], delta: b.deltas[(layer - 1) % 2],
            partials: buffers.partials, gradState: b.gradState,
          }, step, offset, Math.min(slab, rows - offset));
        }
        mergeGrad(layer - 2);
      }
      await this.settle(this.device.queue.onSubmittedWorkDone());
      const elapsed = performance.now() - started;
      if (elapsed > 10) this.pace.macsPerMs = (2 * rows * fanIn * width) / elapsed;
      throwIfAborted(hooks.signal);
      hooks.onLayer(layer);
    }
  }
}
