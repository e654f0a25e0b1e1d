/**
 * Training on the GPU (the model and what a history entry measures: src/lab/training.ts). Every series' weights,
 * biases and optimizer state live on the GPU for the whole session, initialized once from the Philox stream through
 * the same sampler as the CPU's; steps are queued without waiting, and the GPU is waited for only at an evaluation —
 * whose losses and per-layer statistics are reduced on the GPU and read back in one small buffer — or to pace a long
 * run of steps for progress and cancellation.
 */

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
import type { GpuContext } from './device';
import type { Pace } from './job';
import type { SeriesParameters, TrainBuffers } from './trainBuffers';
import type { TrainKernels } from './trainKernels';
import type { TrainNetwork } from './trainModel';
import { TrainPass } from './trainPass';
import { decodeEntry, readEvaluation } from './trainReadback';

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
  private readonly pass: TrainPass;
  private readonly evaluateAt: Set<number>;
  private readonly batches: Minibatches;

  constructor(
    private readonly gpu: GpuContext,
    private readonly kernels: TrainKernels,
    private readonly buffers: TrainBuffers,
    private readonly config: ExperimentConfig,
    private readonly data: Dataset,
    private readonly net: TrainNetwork,
    private readonly factors: LayerFactors[],
    private readonly pace: Pace,
  ) {
    this.pass = new TrainPass(kernels, buffers, net);
    this.states = config.sweep.map(() => ({ history: [], divergedAt: null, gradientOf: null }));
    this.evaluateAt = new Set(evaluationSteps(config.train.steps, config.train.evalEvery));
    this.batches = new Minibatches(config.seed, data.train.rows, config.train.batch);
    for (let s = 0; s < config.sweep.length; s++) this.initialize(s);
  }

  /**
   * Every W_l from the series' initializer (the CPU's sampler, rounded to float32) times the parametrization's
   * factor, every b_l the config's bias (a constant, or trial 0's draws: bias.ts) — the readout's both 0 with `readoutZero`. The GPU holds W_l times the layer's
   * output multiplier (trainNetwork); with the coordinate check, a copy of the initial network stays beside it.
   */
  private initialize(series: number): void {
    const { config, net } = this;
    const params = this.buffers.series[series];
    for (let l = 1; l < net.widths.length; l++) {
      const [fanIn, fanOut] = [net.widths[l - 1], net.widths[l]];
      const factors = this.factors[l - 1];
      const dist = weightDistribution(config.sweep[series], fanIn, fanOut);
      const weights = factors.zero
        ? new Float32Array(fanIn * fanOut)
        : Float32Array.from(
            sampleWeights(dist, { seed: config.seed, series, trial: 0, layer: l }, fanIn, fanOut),
            (w) => w * factors.initScale * factors.multiplier,
          );
      const biases = factors.zero
        ? new Float32Array(fanOut)
        : Float32Array.from(layerBiases(config.bias, config.seed, 0, l, fanOut));
      this.gpu.device.queue.writeBuffer(params.weights[l - 1], 0, weights);
      this.gpu.device.queue.writeBuffer(params.biases[l - 1], 0, biases);
      const initial = this.buffers.initial[series];
      if (!initial) continue;
      this.gpu.device.queue.writeBuffer(initial.weights[l - 1], 0, weights);
      this.gpu.device.queue.writeBuffer(initial.biases[l - 1], 0, biases);
    }
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
    const { widths } = this.net;
    const products = widths.slice(1).reduce((sum, n, l) => sum + widths[l] * n, 0);
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
      const rows = this.gatherMinibatch(step - 1);
      this.pass.forward(params, rows, false);
      this.pass.loss(params, this.buffers.batchAnswers, 0, rows, null, true, step);
      this.pass.backward(params, rows, false);
    }
    this.pass.update(params, step, this.evaluateAt.has(step));
    state.gradientOf = null;
  }

  /** Minibatch `index`'s training rows into the input buffer and their answers beside; returns the rows. */
  private gatherMinibatch(index: number): number {
    const { buffers, data } = this;
    const indices = this.batches.rowsOf(index);
    this.gpu.device.queue.writeBuffer(buffers.indices, 0, new Uint32Array(indices));
    this.kernels.gather.gather(
      { indices: buffers.indices, source: buffers.trainX, gathered: buffers.input },
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
    const { buffers, data, pass } = this;
    const params = this.buffers.series[s];
    buffers.clearEvaluation();
    const { coordCheck } = this.config.train;
    for (const [set, x, y, slot] of [
      [data.train, buffers.trainX, buffers.trainY, 0],
      [data.test, buffers.testX, buffers.testY, 1],
    ] as const) {
      for (let first = 0; first < set.rows; first += buffers.rows) {
        const rows = Math.min(buffers.rows, set.rows - first);
        this.copyRows(x, first, rows);
        const train = slot === 0;
        if (train && coordCheck)
          pass.forward(buffers.initial[s], rows, false, buffers.initialTrace, buffers.scratchState);
        pass.forward(params, rows, train);
        if (train) pass.coordinates(rows, coordCheck);
        pass.loss(params, y, first, rows, slot, false, step);
      }
    }
    const rows = this.gatherMinibatch(step);
    pass.forward(params, rows, false);
    pass.loss(params, buffers.batchAnswers, 0, rows, null, true, step);
    pass.backward(params, rows, true);
    this.states[s].gradientOf = step;
    this.record(s, step, await readEvaluation(this.gpu, buffers, params, this.net.widths.length - 1));
  }

  /** Rows first … first + rows − 1 of a dataset's x into the input buffer. */
  private copyRows(x: GPUBuffer, first: number, rows: number): void {
    const bytes = 4 * this.data.dim;
    const encoder = this.gpu.device.createCommandEncoder();
    encoder.copyBufferToBuffer(x, first * bytes, this.buffers.input, 0, rows * bytes);
    this.gpu.device.queue.submit([encoder.finish()]);
  }

  /** Turns one readback into a history entry, or stops the series when it diverged. */
  private record(s: number, step: number, words: Uint32Array): void {
    const state = this.states[s];
    const { classification } = this.net;
    const entry = decodeEntry(
      words,
      step,
      { layers: this.net.widths.length - 1, classification },
      this.factors,
      this.config.train.coordCheck,
    );
    if (typeof entry === 'number') state.divergedAt = entry;
    else if (entryIsFinite(entry)) state.history.push(entry);
    else state.divergedAt = step;
  }

  async forward(series: number, points: Float64Array, withLayers: boolean): Promise<ForwardValues> {
    const { buffers, net } = this;
    const count = points.length / this.data.dim;
    const outputs = new Float64Array(count * net.widths[net.widths.length - 1]);
    const pre = withLayers ? net.widths.slice(1).map((n) => new Float64Array(count * n)) : [];
    for (let first = 0; first < count; first += buffers.rows) {
      const rows = Math.min(buffers.rows, count - first);
      const chunk = points.subarray(first * this.data.dim, (first + rows) * this.data.dim);
      this.gpu.device.queue.writeBuffer(buffers.input, 0, Float32Array.from(chunk));
      this.pass.forward(buffers.series[series], rows, false);
      const layers = await Promise.all(
        net.widths
          .slice(1)
          .map((n, l) => (withLayers || l === net.widths.length - 2 ? this.read(buffers.trace[l], rows * n) : null)),
      );
      layers.forEach((values, l) => {
        if (!values) return;
        const n = net.widths[l + 1];
        if (withLayers) pre[l].set(values, first * n);
        if (l === net.widths.length - 2) outputs.set(values, first * n);
      });
    }
    return { outputs, pre };
  }

  async parameters(series: number): Promise<Parameters> {
    const params: SeriesParameters = this.buffers.series[series];
    const { widths } = this.net;
    const weights = await Promise.all(
      params.weights.map(async (w, l) =>
        (await this.read(w, widths[l] * widths[l + 1])).map((x) => x / this.factors[l].multiplier),
      ),
    );
    const biases = await Promise.all(params.biases.map((b, l) => this.read(b, widths[l + 1])));
    return { weights, biases };
  }

  /** The first `count` float32 values of a buffer, as float64. */
  private async read(source: GPUBuffer, count: number): Promise<Float64Array> {
    const readback = this.gpu.device.createBuffer({
      size: Math.max(16, count * 4),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = this.gpu.device.createCommandEncoder();
    encoder.copyBufferToBuffer(source, 0, readback, 0, count * 4);
    this.gpu.device.queue.submit([encoder.finish()]);
    await this.gpu.settle(readback.mapAsync(GPUMapMode.READ));
    const values = Float64Array.from(new Float32Array(readback.getMappedRange(), 0, count));
    readback.unmap();
    readback.destroy();
    return values;
  }

  dispose(): void {
    this.buffers.destroy();
  }
}
