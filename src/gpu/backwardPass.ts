/**
 * The backward half of one chunk (src/cpu/backward.ts gives the math): δ_L from the output gradient, then per layer,
 * top down, ∂L/∂W_l = H_{l−1}ᵀ·δ_l for this pass's blocks of input units, and δ_{l−1} = (δ_l·W_lᵀ) ⊙ φ'(Z_{l−1}) with
 * W_l regenerated from the Philox stream one block of rows at a time; each with statistics fused and merged, one layer
 * in flight at a time (for progress, cancellation and pacing). Z_l comes from the forward pass's trace, recomputed
 * from the checkpoint below it when the trace keeps only checkpoints (plan.ts). δ carries exponents as Z does on the
 * exact route (see scale.ts), for every φ and bias: δ_{l−1} is linear in δ_l, so a power of two divided out of δ_l
 * comes out of δ_{l−1} and ∂L/∂W_l exactly.
 */
import { throwIfAborted } from '../lab/engine';
import type { GpuContext } from './device';
import { TILE, tilesAlong } from './geometry';
import type { HistogramPhase } from './histogramSet';
import { type ChunkHooks, type ChunkJob, fanInOf, type Pace, type UnitBlock } from './job';
import type { BackwardKernels, Kernels } from './kernels';
import type { ExponentRule } from './layerState';
import { forwardStep } from './layerStep';
import { loadWeightBlock } from './layerWeights';
import { slabRows } from './plan';
import { BLOCK_STATE_WORDS, type RunBuffers } from './runBuffers';

export type BackwardPassKernels = BackwardKernels & Pick<Kernels, 'weights' | 'layer' | 'merge'>;

export class BackwardPass {
  /** Per ring slot of the trace, the layer whose Z it holds; the forward pass leaves the latest in each. */
  private held: number[] = [];

  constructor(
    private readonly gpu: GpuContext,
    private readonly kernels: BackwardPassKernels,
    private readonly buffers: RunBuffers,
    private readonly pace: Pace,
    /** Columns of W per forward block, for recomputing Z from a checkpoint. */
    private readonly forwardColumns: number,
    /** Per layer, its blocks of input units (plan.ts's unitBlocks). */
    private readonly blocks: UnitBlock[][],
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
      const rows = job.rows.length;
      forwardStep(this.kernels, this.buffers.forwardBuffers(l), job.net, rows, l, this.pace, this.forwardColumns);
      this.held[l % segment] = l;
    }
  }

  async run(job: ChunkJob, exponentRule: ExponentRule, hooks: ChunkHooks): Promise<void> {
    const { net } = job;
    this.held = [];
    for (let l = 1; l <= net.depth; l++) this.held[l % this.buffers.segment] = l;
    const { kernels, buffers } = this;
    const b = buffers.backward!;
    const rows = job.rows.length;
    const { width, depth, activationId, slope } = net;
    // Forward and ∂L/∂Z histograms are counted once per trial, in the first pass over its chunks.
    const firstPass = job.pass.index === 0;
    const mergeGrad = (layer: number) =>
      kernels.merge.merge(buffers.partials, b.gradState, {
        partialCount: tilesAlong(rows) * tilesAlong(width),
        target: { layer, slots: 'a' },
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
    if (firstPass) this.measure(job, depth, 'grad', b.deltas[depth % 2], rows * width);

    for (let layer = depth; layer >= 1; layer--) {
      throwIfAborted(hooks.signal);
      const started = performance.now();
      const fanIn = fanInOf(net, layer);
      this.ensureHeld(job, layer - 1);
      for (const block of this.blocks[layer - 1]) {
        if (block.global >= job.pass.first && block.global < job.pass.end) this.weightGradient(job, layer, block);
      }
      if (layer > 1) {
        this.backwardLayer(job, layer);
        mergeGrad(layer - 2);
        if (firstPass) this.measure(job, layer - 1, 'grad', b.deltas[(layer - 1) % 2], rows * width);
      }
      await this.gpu.settle(this.gpu.device.queue.onSubmittedWorkDone());
      const elapsed = performance.now() - started;
      // Two products per step; a recomputation in the step makes this an underestimate, so later slabs err small.
      if (elapsed > 10) this.pace.macsPerMs = (2 * rows * fanIn * width) / elapsed;
      throwIfAborted(hooks.signal);
      hooks.onLayer(layer);
    }
  }

  /**
   * One block of ∂L/∂W_l: its product over the chunk's rows, added into its kept sum across chunks; the last chunk takes
   * its statistics into the block's state and, with histograms, counts it.
   */
  private weightGradient(job: ChunkJob, layer: number, block: UnitBlock): void {
    const { kernels, buffers } = this;
    const b = buffers.backward!;
    const { net, place, pass } = job;
    const rows = job.rows.length;
    const fanIn = fanInOf(net, layer);
    // Several chunks keep each block's sum in its slot; one chunk stores a block only to count it into histograms.
    const sum = pass.keepsSums ? b.sums[block.global - pass.first] : job.histograms ? b.sums[0] : b.noSum;
    const step = {
      rows,
      fanIn,
      fanOut: net.width,
      activationId: net.activationId,
      slope: net.slope,
      activateInput: layer > 1,
      layer: layer - 1,
      add: pass.keepsSums && !place.first,
      store: (pass.keepsSums && !place.last) || job.histograms !== null,
      reduce: place.last,
    };
    const units = slabRows(block.units, rows, net.width, this.pace.macsPerMs, this.pace.sliceMs);
    for (let offset = 0; offset < block.units; offset += units) {
      kernels.weightGradient.slab(
        {
          input: buffers.layerInput(layer),
          delta: b.deltas[layer % 2],
          sum,
          partials: buffers.partials,
          gradState: b.gradState,
        },
        step,
        block.unitOffset + offset,
        Math.min(units, block.units - offset),
        block.unitOffset,
      );
    }
    if (!place.last) return;
    const tilesX = tilesAlong(net.width);
    kernels.merge.merge(buffers.partials, b.blockStates, {
      partialOffset: (block.unitOffset / TILE) * tilesX,
      partialCount: tilesAlong(block.units) * tilesX,
      target: { blockWord: block.global * BLOCK_STATE_WORDS },
      exponent: 'keep',
    });
    // The total exists only in the last chunk: its range is taken in the range pass, its counts in the count pass.
    if (job.histograms) this.measure(job, layer, 'weightGrad', sum, block.units * net.width);
  }

  /** δ_{l−1} = (δ_l·W_lᵀ) ⊙ φ'(Z_{l−1}), W_l regenerated one block of rows (input units) at a time. */
  private backwardLayer(job: ChunkJob, layer: number): void {
    const { kernels, buffers } = this;
    const b = buffers.backward!;
    const { net } = job;
    const rows = job.rows.length;
    const fanIn = fanInOf(net, layer);
    const step = { rows, fanIn, fanOut: net.width, activationId: net.activationId, slope: net.slope, layer: layer - 1 };
    for (const block of this.blocks[layer - 1]) {
      const weightBlock = { rowOffset: block.unitOffset, rows: block.units, colOffset: 0, cols: net.width };
      loadWeightBlock(kernels.weights, buffers.weights, net, layer, weightBlock);
      const slab = slabRows(rows, net.width, block.units, this.pace.macsPerMs, this.pace.sliceMs);
      for (let offset = 0; offset < rows; offset += slab) {
        kernels.backwardLayer.slab(
          {
            upstream: b.deltas[layer % 2],
            weights: buffers.weights,
            pre: buffers.traceSlot(layer - 1),
            delta: b.deltas[(layer - 1) % 2],
            partials: buffers.partials,
            gradState: b.gradState,
          },
          step,
          offset,
          Math.min(slab, rows - offset),
          block.unitOffset,
          block.units,
        );
      }
    }
  }
}
