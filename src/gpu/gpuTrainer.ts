/**
 * Training on the GPU (the model and what a history entry measures: src/lab/training.ts), every architecture: the
 * network goes forward and back by its route (trainRoute.ts). Every series' weights, biases and optimizer state live
 * on the GPU for the whole session, initialized once from the Philox stream through the same sampler as the CPU's;
 * steps are queued without waiting, and the GPU is waited for only at an evaluation — whose losses and per-layer
 * statistics are reduced on the GPU and read back in one small buffer — or to pace a long run of steps for progress
 * and cancellation.
 */

import { isReported } from '../lab/architecture';
import { layerBiases } from '../lab/bias';
import type { ExperimentConfig } from '../lab/config';
import type { Dataset } from '../lab/datasets';
import { type Progress, throwIfAborted } from '../lab/engine';
import { initLabel, weightDistribution } from '../lab/initializers';
import { Minibatches } from '../lab/minibatches';
import type { LayerFactors } from '../lab/parametrization';
import { sampleWeights } from '../lab/sampling';
import {
  entryIsFinite,
  evaluationSteps,
  type ForwardValues,
  outcomeOf,
  type Parameters,
  type TrainHistoryEntry,
  type TrainingSession,
  type TrainSeries,
  type TrainSnapshot,
} from '../lab/training';
import { type GpuContext, readValues } from './device';
import type { Pace } from './job';
import type { SeriesParameters, TrainBuffers } from './trainBuffers';
import type { TrainKernels } from './trainKernels';
import type { TrainNetwork } from './trainModel';
import { decodeEntry, readEvaluation } from './trainReadback';
import type { TrainRoute } from './trainRoute';
import { updateParameters } from './trainUpdate';

/** One series' progress: its history, the step it diverged at, and whose gradient its gradient buffers hold. */
interface SeriesState {
  history: TrainHistoryEntry[];
  divergedAt: number | null;
  /** The minibatch whose gradient at the current weights the buffers hold (an entry measured it), or null. */
  gradientOf: number | null;
}

export class GpuTrainingSession implements TrainingSession {
  private step = 0;
  private readonly states: SeriesState[];
  private readonly evaluateAt: Set<number>;
  private readonly batches: Minibatches;

  constructor(
    private readonly gpu: GpuContext,
    private readonly kernels: TrainKernels,
    private readonly buffers: TrainBuffers,
    private readonly route: TrainRoute,
    private readonly config: ExperimentConfig,
    private readonly data: Dataset,
    private readonly net: TrainNetwork,
    private readonly factors: LayerFactors[],
    private readonly pace: Pace,
  ) {
    this.states = config.sweep.map(() => ({ history: [], divergedAt: null, gradientOf: null }));
    this.evaluateAt = new Set(evaluationSteps(config.train.steps, config.train.evalEvery));
    this.batches = new Minibatches(config.seed, data.train.rows, config.train.batch);
    for (let s = 0; s < config.sweep.length; s++) this.initialize(s);
  }

  /**
   * Every W_k from the series' initializer at its matrix's address (the CPU's sampler, rounded to float32) times the
   * parametrization's factor, every b_k the config's bias (a constant, or trial 0's draws: bias.ts) — 0 where the
   * matrix starts at 0 (zeroInitLast's W_{l,2}; the readout's W and b with `readoutZero`). The GPU holds W_k times
   * its output multiplier (trainModel.ts); with the coordinate check, a copy of the initial network stays beside it.
   */
  private initialize(series: number): void {
    const { config, net } = this;
    const params = this.buffers.series[series];
    net.matrices.forEach((m, k) => {
      const factors = this.factors[k];
      const dist = weightDistribution(config.sweep[series], m.fanIn, m.fanOut);
      const address = { seed: config.seed, series, trial: 0, layer: m.address };
      const weights =
        factors.zero || m.zero
          ? new Float32Array(m.fanIn * m.fanOut)
          : Float32Array.from(
              sampleWeights(dist, address, m.fanIn, m.fanOut),
              (w) => w * factors.initScale * factors.multiplier,
            );
      const biases = factors.zero
        ? new Float32Array(m.fanOut)
        : Float32Array.from(layerBiases(config.bias, config.seed, 0, m.address, m.fanOut));
      this.gpu.device.queue.writeBuffer(params.weights[k], 0, weights);
      this.gpu.device.queue.writeBuffer(params.biases[k], 0, biases);
      const initial = this.buffers.initial[series];
      if (!initial) return;
      this.gpu.device.queue.writeBuffer(initial.weights[k], 0, weights);
      this.gpu.device.queue.writeBuffer(initial.biases[k], 0, biases);
    });
  }

  snapshot(): TrainSnapshot {
    const { train } = this.config;
    const series: TrainSeries[] = this.states.map((state, s) => ({
      label: initLabel(this.config.sweep[s]),
      init: this.config.sweep[s],
      history: state.history,
      outcome: outcomeOf(state.history, train.targetLoss, state.divergedAt),
    }));
    const finished = this.step >= train.steps || this.states.every((state) => state.divergedAt !== null);
    return { step: this.step, finished, series };
  }

  async advance(
    steps: number,
    options: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
  ): Promise<TrainSnapshot> {
    const { train } = this.config;
    const from = this.step;
    const to = Math.min(train.steps, from + steps);
    const total = (to - from) * this.states.length;
    let done = 0;
    for (const [s, state] of this.states.entries()) {
      if (from === 0 && state.history.length === 0) await this.evaluate(s, 0);
      for (let u = from + 1; u <= to && state.divergedAt === null; u++) {
        throwIfAborted(options.signal);
        this.update(s, u);
        done++;
        if (this.evaluateAt.has(u)) await this.evaluate(s, u);
        else if (u % this.stepsPerSlice() === 0) await this.gpu.settle(this.gpu.device.queue.onSubmittedWorkDone());
        options.onProgress?.({ done, total, series: s, trial: 0, layer: this.net.widths.length - 1 });
      }
    }
    this.step = to;
    return this.snapshot();
  }

  /** Steps queued between waits for the GPU: about one slice of work at the device's measured pace. */
  private stepsPerSlice(): number {
    const products = this.net.matrices.reduce((sum, m) => sum + m.fanIn * m.fanOut, 0);
    // Three products per step (forward, δ·Wᵀ, Hᵀ·δ), each over a minibatch padded to whole 64-row tiles.
    const macs = 3 * Math.ceil(this.config.train.batch / 64) * 64 * products;
    return Math.max(1, Math.floor((this.pace.macsPerMs * this.pace.sliceMs) / macs));
  }

  /**
   * Queues update `step` (1-based) of series `s`: minibatch step − 1 forward and back, then the optimizer. After an
   * entry at step − 1 the series' gradient buffers already hold that minibatch's gradient at these weights (the entry
   * measured it), so the update goes straight to the optimizer: the same numbers, bit for bit, for a third less work
   * when every step is recorded (the coordinate check).
   */
  private update(s: number, step: number): void {
    const params = this.buffers.series[s];
    const state = this.states[s];
    if (state.gradientOf !== step - 1) {
      this.route.gradient(params, this.gatherMinibatch(step - 1), step, false);
    }
    updateParameters(this.kernels, this.buffers, this.net, params, step, this.evaluateAt.has(step));
    state.gradientOf = null;
  }

  /** Minibatch `index`'s training rows into the route's input and their answers beside; returns the rows. */
  private gatherMinibatch(index: number): number {
    const { buffers, data } = this;
    const indices = this.batches.rowsOf(index);
    this.gpu.device.queue.writeBuffer(buffers.indices, 0, new Uint32Array(indices));
    this.kernels.gather.gather(
      { indices: buffers.indices, source: buffers.trainX, gathered: this.route.batchInput },
      0,
      indices.length,
      data.dim,
    );
    this.kernels.gather.gather(
      { indices: buffers.indices, source: buffers.trainY, gathered: buffers.batchAnswers },
      0,
      indices.length,
      data.classes ? 1 : data.outputs,
    );
    return indices.length;
  }

  /**
   * History entry `step` of series `s`: the whole train set forward (its loss, accuracy and per-layer moments), the
   * test set's loss and accuracy, and minibatch `step`'s gradient at this network — then one readback.
   */
  private async evaluate(s: number, step: number): Promise<void> {
    const { buffers, route } = this;
    const params = buffers.series[s];
    buffers.clearEvaluation();
    route.evaluateSets(params, buffers.initial[s] ?? null, step);
    route.gradient(params, this.gatherMinibatch(step), step, true);
    this.states[s].gradientOf = step;
    const model = { layers: this.net.widths.length - 1, blocks: this.net.blocks };
    this.record(s, step, await readEvaluation(this.gpu, buffers, params, model));
  }

  /** Turns one readback into a history entry, or stops the series when it diverged. */
  private record(s: number, step: number, words: Uint32Array): void {
    const state = this.states[s];
    const { classification, blocks, matrices } = this.net;
    const reported = this.factors.filter((_, k) => isReported(matrices[k]));
    const model = { layers: this.net.widths.length - 1, blocks, classification };
    const entry = decodeEntry(words, step, model, reported, this.config.train.coordCheck);
    if (typeof entry === 'number') state.divergedAt = entry;
    else if (entryIsFinite(entry)) state.history.push(entry);
    else state.divergedAt = step;
  }

  forward(series: number, points: Float64Array, withLayers: boolean): Promise<ForwardValues> {
    return this.route.outputs(this.buffers.series[series], points, withLayers);
  }

  async parameters(series: number): Promise<Parameters> {
    const params: SeriesParameters = this.buffers.series[series];
    const { matrices } = this.net;
    const weights = await Promise.all(
      params.weights.map(async (w, k) =>
        (await readValues(this.gpu, w, matrices[k].fanIn * matrices[k].fanOut)).map(
          (x) => x / this.factors[k].multiplier,
        ),
      ),
    );
    const biases = await Promise.all(params.biases.map((b, k) => readValues(this.gpu, b, matrices[k].fanOut)));
    return { weights, biases };
  }

  dispose(): void {
    this.route.destroy();
  }
}
