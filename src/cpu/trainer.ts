/**
 * The float64 reference trainer: a TrainingSession (src/lab/training.ts) over every series of a config.
 *
 * The series go through the updates in lockstep, on the same minibatches. Each update is computed for every series
 * (yielding to the event loop as the CPU engine does, so cancels get through) and then committed for all of them at
 * once: a cancelled advance stops with the session as it was after the last whole update, and the next advance picks
 * up from there (an entry that was being evaluated is evaluated then). Calls are served one at a time, in call order,
 * so `forward` and `parameters` never see a network halfway through an update.
 */
import { type BoundActivation, bindActivation } from '../lab/activations';
import { isReported } from '../lab/architecture';
import type { ExperimentConfig } from '../lab/config';
import { type Dataset, makeDataset } from '../lab/datasets';
import { type Progress, throwIfAborted } from '../lab/engine';
import { initLabel } from '../lab/initializers';
import { Minibatches } from '../lab/minibatches';
import {
  entryIsFinite,
  type ForwardValues,
  outcomeOf,
  type Parameters,
  type TrainHistoryEntry,
  type TrainingSession,
  type TrainSnapshot,
  trainFactors,
} from '../lab/training';
import { advanceWork, trainMatrices } from '../lab/trainWork';
import { Yielder } from './pace';
import { type Gradients, minibatchGradient } from './trainBackward';
import { historyEntry } from './trainEvaluation';
import { forward, gatherRows, initialNetwork, type Network, type Pace, type ReadoutShape } from './trainNetwork';
import { makeOptimizer, type Optimizer } from './trainOptimizers';

type AdvanceOptions = { signal?: AbortSignal; onProgress?: (p: Progress) => void };

interface SeriesState {
  network: Network;
  /** The network at initialization, kept for the coordinate check's Z_t − Z_0. */
  initial: Network | null;
  optimizer: Optimizer;
  history: TrainHistoryEntry[];
  /** The update after which a weight or an entry's figure stopped being finite; null while it trains. */
  divergedAt: number | null;
  /** The gradient of the minibatch the next update uses, when the entry at the current step computed it. */
  pending: Gradients | null;
  /** ‖ΔW_l‖/‖W_l‖ of the last update, per layer (null before the first). */
  updateRatios: (number | null)[];
}

/** Counts an advance's multiply–adds for progress and yields between blocks of products (pace.ts). */
class WorkPacer {
  private done = 0;
  private readonly yielder: Yielder;

  constructor(
    private readonly total: number,
    private readonly options: AdvanceOptions,
  ) {
    this.yielder = new Yielder(options.signal);
  }

  /** The pace of series `series` while it computes for update (or entry) `step`. */
  pace(series: number, step: number): Pace {
    return async (macs, layer) => {
      this.done += macs;
      if (!this.yielder.due()) return;
      this.report(series, layer, step);
      await this.yielder.yield();
    };
  }

  private report(series: number, layer: number, step: number): void {
    this.options.onProgress?.({
      done: Math.min(this.done, this.total),
      total: this.total,
      series,
      trial: 0,
      layer,
      step,
    });
  }

  /** The advance is over: all of its work is done, whatever a diverged series left undone. */
  finish(series: number, layer: number, step: number): void {
    this.done = this.total;
    this.report(series, layer, step);
  }
}

function cloneNetwork(net: Network): Network {
  return { ...net, weights: net.weights.map((w) => w.slice()), biases: net.biases.map((b) => b.slice()) };
}

/** A pace that never yields: for a session's own short calls that no one cancels. */
const NO_PACE: Pace = async () => {};

export class CpuTrainingSession implements TrainingSession {
  private step = 0;
  /** The step of the last entry recorded for every live series (null before the first). */
  private recordedStep: number | null = null;
  private series: SeriesState[];
  private readonly dataset: Dataset;
  private readonly minibatches: Minibatches;
  private readonly activation: BoundActivation;
  private readonly shape: ReadoutShape;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly config: ExperimentConfig) {
    const matrices = trainMatrices(config);
    this.dataset = makeDataset(config.train.dataset, config.seed);
    this.minibatches = new Minibatches(config.seed, this.dataset.train.rows, config.train.batch);
    this.activation = bindActivation(config.activation, config);
    this.shape = { classes: this.dataset.classes, outputs: this.dataset.outputs };
    this.series = config.sweep.map((_, s) => {
      const network = initialNetwork(config, s, matrices);
      const factors = trainFactors(config, matrices);
      return {
        network,
        initial: config.train.coordCheck ? cloneNetwork(network) : null,
        optimizer: makeOptimizer(config.train.optimizer, network, [
          ...factors.map((f) => f.weightLr),
          ...factors.map((f) => f.biasLr),
        ]),
        history: [],
        divergedAt: null,
        pending: null,
        updateRatios: network.weights.map(() => null),
      };
    });
  }

  snapshot(): TrainSnapshot {
    const { steps, targetLoss } = this.config.train;
    return {
      step: this.step,
      finished: (this.step === steps || this.live().length === 0) && !this.entryDue(),
      series: this.series.map((s, i) => ({
        label: initLabel(this.config.sweep[i]),
        init: this.config.sweep[i],
        history: [...s.history],
        outcome: outcomeOf(s.history, targetLoss, s.divergedAt),
      })),
    };
  }

  advance(steps: number, options: AdvanceOptions = {}): Promise<TrainSnapshot> {
    if (!Number.isInteger(steps) || steps < 0)
      return Promise.reject(new RangeError(`steps = ${steps}: a whole number of updates, 0 or more`));
    return this.serialized(() => this.train(steps, options));
  }

  forward(series: number, points: Float64Array, withLayers: boolean): Promise<ForwardValues> {
    return this.serialized(async () => {
      const { network } = this.seriesAt(series);
      const dim = network.matrices[0].fanIn;
      if (points.length % dim !== 0)
        throw new RangeError(`points: ${points.length} numbers are not whole points of ${dim} inputs each`);
      const trace = await forward(network, this.activation, points, points.length / dim, NO_PACE);
      const layers = trace.pre.filter((_, k) => isReported(network.matrices[k]));
      return { outputs: trace.pre[trace.pre.length - 1], pre: withLayers ? layers : [] };
    });
  }

  parameters(series: number): Promise<Parameters> {
    return this.serialized(async () => {
      const { network } = this.seriesAt(series);
      return { weights: network.weights.map((w) => w.slice()), biases: network.biases.map((b) => b.slice()) };
    });
  }

  dispose(): void {
    this.closed = true;
    this.series = [];
  }

  private async train(steps: number, options: AdvanceOptions): Promise<TrainSnapshot> {
    throwIfAborted(options.signal);
    const target = Math.min(this.step + steps, this.config.train.steps);
    const work = advanceWork(this.config, this.step, target, this.entryDue());
    const pacer = new WorkPacer(this.live().length * work, options);
    if (this.entryDue()) await this.record(pacer);
    while (this.step < target && this.live().length) {
      await this.update(pacer);
      if (this.entryDue()) await this.record(pacer);
    }
    pacer.finish(this.series.length - 1, this.config.depth + 1, this.step);
    return this.snapshot();
  }

  /** Update step + 1 for every live series: every gradient first, then every update at once. */
  private async update(pacer: WorkPacer): Promise<void> {
    const u = this.step + 1;
    const live = this.live();
    const batch = this.minibatch(u - 1);
    const gradients: Gradients[] = [];
    for (const s of live) {
      const pace = pacer.pace(this.series.indexOf(s), u);
      gradients.push(
        s.pending ?? (await minibatchGradient(s.network, this.activation, batch, this.shape, pace)).gradients,
      );
    }
    live.forEach((s, k) => {
      const report = s.optimizer.update(s.network, gradients[k]);
      s.updateRatios = report.updateRatios;
      s.pending = null;
      if (!report.finite) s.divergedAt = u;
    });
    this.step = u;
  }

  /** The entry at the current step for every live series, committed together. */
  private async record(pacer: WorkPacer): Promise<void> {
    const t = this.step;
    const live = this.live();
    const batch = this.minibatch(t);
    const sets = { train: this.dataset.train, test: this.dataset.test };
    const results: { entry: TrainHistoryEntry; gradients: Gradients }[] = [];
    for (const s of live) {
      const pace = pacer.pace(this.series.indexOf(s), t);
      const { gradients } = await minibatchGradient(s.network, this.activation, batch, this.shape, pace);
      const entry = await historyEntry(
        t,
        s.network,
        this.activation,
        sets,
        this.shape,
        gradients,
        s.updateRatios,
        pace,
        s.initial,
      );
      results.push({ entry, gradients });
    }
    live.forEach((s, k) => {
      const { entry, gradients } = results[k];
      if (entryIsFinite(entry)) {
        s.history.push(entry);
        s.pending = gradients;
      } else s.divergedAt = t;
    });
    this.recordedStep = t;
  }

  /** Whether the current step takes an entry (0, every evalEvery, the last) that is not recorded yet. */
  private entryDue(): boolean {
    const { steps, evalEvery } = this.config.train;
    const evaluated = this.step % evalEvery === 0 || this.step === steps;
    return evaluated && this.recordedStep !== this.step && this.live().length > 0;
  }

  private live(): SeriesState[] {
    return this.series.filter((s) => s.divergedAt === null);
  }

  /** Minibatch `index` (0-based): the rows update index + 1 uses. */
  private minibatch(index: number) {
    const perRow = this.shape.classes ? 1 : this.shape.outputs;
    return gatherRows(this.dataset.train, this.minibatches.rowsOf(index), this.dataset.dim, perRow);
  }

  private seriesAt(series: number): SeriesState {
    const state = this.series[series];
    if (!Number.isInteger(series) || !state)
      throw new RangeError(`series = ${series}: one of 0 … ${this.config.sweep.length - 1}`);
    return state;
  }

  /** Runs `operation` after every earlier call has settled; a closed session refuses it. */
  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw new Error('The training session was closed.');
      return operation();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
