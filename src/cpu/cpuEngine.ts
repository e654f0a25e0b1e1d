/**
 * The float64 reference engine: the experiment computed directly, row by row, from the same Philox stream as the GPU,
 * for every architecture (networkForward.ts, networkBackward.ts). Rows are independent but under BatchNorm, so it can
 * compute any subset of the batch (to verify a large GPU run on a sample of rows); the backward pass's weight
 * gradients then sum over that subset. With `backward`, a trial keeps what its backward pass reads until it is done.
 */
import { type BoundActivation, bindActivation } from '../lab/activations';
import { branchScale } from '../lab/architecture';
import { batchRows, type ExperimentConfig } from '../lab/config';
import {
  type Engine,
  type ResolvedOptions,
  type RunOptions,
  resolveRunOptions,
  type SendableOptions,
  throwIfAborted,
} from '../lab/engine';
import { estimateGrid, isGrid, runGrid, trainGrid } from '../lab/grid';
import { autoHistogram } from '../lab/histogram';
import { type InitSpec, initLabel } from '../lab/initializers';
import type { LayerHistograms, Quantity, RowCapture, RunResult, SeriesResult } from '../lab/results';
import { SeriesRecorder } from '../lab/seriesRecorder';
import { emptyPartial, type Moments, pushValue, toMoments } from '../lab/stats';
import type { Trainer, TrainingSession } from '../lab/training';
import { estimateRun, type RunEstimate, runWork } from '../lab/work';
import { outputGradient } from './backward';
import { inputMatrix, measureCpuSpeed } from './layers';
import { backwardTrial, type ForwardKinds } from './networkBackward';
import { forwardTrial } from './networkForward';
import { Yielder } from './pace';
import { type RangeKind, statisticProblems, union, type ValueScan } from './rangeCheck';
import { CpuTrainingSession } from './trainer';

/**
 * Paces a run: counts finished layer steps for progress, and between blocks of work yields to the event loop (pace.ts),
 * reporting the fraction of the current step done and stopping if the run was cancelled.
 */
class Pacer {
  private done = 0;
  private readonly yielder: Yielder;

  constructor(
    private readonly total: number,
    private readonly options: RunOptions,
  ) {
    this.yielder = new Yielder(options.signal);
  }

  /** Within layer `layer` (1-based), `fraction` of it done. */
  async within(series: number, trial: number, layer: number, fraction: number): Promise<void> {
    // A finished layer reports through `finished`.
    if (fraction >= 1 || !this.yielder.due()) return;
    this.options.onProgress?.({ done: this.done + fraction, total: this.total, series, trial, layer });
    await this.yielder.yield();
  }

  async finished(series: number, trial: number, layer: number): Promise<void> {
    this.options.onProgress?.({ done: ++this.done, total: this.total, series, trial, layer });
    if (this.yielder.due()) await this.yielder.yield();
  }
}

function statsOf(values: Float64Array): Moments {
  const p = emptyPartial();
  for (const x of values) pushValue(p, x);
  return toMoments(p);
}

/** Records one trial's moments of a quantity with its value problems and its moments' problems (rangeCheck.ts). */
function recordQuantity(
  recorder: SeriesRecorder,
  layer: number,
  quantity: Quantity,
  values: Float64Array,
  scan: ValueScan,
  valueKinds: RangeKind[],
): void {
  const moments = statsOf(values);
  recorder.record(layer, quantity, moments);
  const kinds = union(valueKinds, statisticProblems(moments, scan));
  recorder.flag(
    layer,
    kinds.map((kind) => ({ quantity, kind, precision: 'float64' })),
  );
}

/** What one series' trials share: where they record, capture and count. */
interface SeriesSink {
  recorder: SeriesRecorder;
  histograms: LayerHistograms[];
  /** Per layer, the captured rows' pre-activations (trial 0). */
  captured: Float64Array[];
}

export class CpuEngine implements Engine, Trainer {
  readonly name = 'cpu' as const;

  /** Multiply–adds per second: a short calibration at first, then what finished runs measured. */
  private macsPerSecond: number | null = null;

  async estimate(config: ExperimentConfig, options: SendableOptions = {}): Promise<RunEstimate> {
    if (isGrid(config)) return estimateGrid((c, o) => this.estimate(c, o), config, options);
    const rows = options.rows ? options.rows.length / batchRows(config) : 1;
    this.macsPerSecond ??= measureCpuSpeed();
    return estimateRun(runWork(config, options.backward === true) * rows, this.macsPerSecond, null);
  }

  async run(config: ExperimentConfig, options: RunOptions = {}): Promise<RunResult> {
    if (isGrid(config)) return runGrid((c, o) => this.run(c, o), config, options);
    const started = performance.now();
    const resolved = resolveRunOptions(config, options);
    const activation = bindActivation(config.activation, config);
    const capture: RowCapture | undefined = resolved.captureRows.length
      ? { rows: resolved.captureRows, preActivations: [] }
      : undefined;
    const pacer = new Pacer(config.sweep.length * config.trials * config.depth, options);

    const series: SeriesResult[] = [];
    for (const [s, spec] of config.sweep.entries()) {
      const sink: SeriesSink = { recorder: new SeriesRecorder(config.depth), histograms: [], captured: [] };
      for (let trial = 0; trial < config.trials; trial++) {
        await this.trial(config, spec, s, trial, activation, resolved, sink, options.signal, pacer);
      }
      capture?.preActivations.push(sink.captured);
      const histograms = resolved.histogramBins ? { histograms: sink.histograms } : {};
      series.push({ label: initLabel(spec), init: spec, layers: sink.recorder.layers(), ...histograms });
    }
    const totalMs = performance.now() - started;
    // Runs long enough to time well refine the speed estimates are made from.
    if (totalMs > 200) {
      this.macsPerSecond =
        (runWork(config, resolved.backward) * resolved.rows.length) / batchRows(config) / (totalMs / 1000);
    }
    return { config, engine: 'cpu', series, timings: { totalMs }, ...(capture ? { capture } : {}) };
  }

  /** One trial of one series: forward through every layer, then back when asked. */
  private async trial(
    config: ExperimentConfig,
    spec: InitSpec,
    series: number,
    trial: number,
    activation: BoundActivation,
    resolved: ResolvedOptions,
    sink: SeriesSink,
    signal: AbortSignal | undefined,
    pacer: Pacer,
  ): Promise<void> {
    const { rows, histogramBins: bins } = resolved;
    const captureIndex = resolved.captureRows.map((row) => rows.indexOf(row));
    const width = config.width;
    const forwardKinds: ForwardKinds = [];
    const trace = await forwardTrial({
      config,
      spec,
      series,
      trial,
      input: inputMatrix(config, trial, rows),
      rows: rows.length,
      activation,
      keep: resolved.backward,
      pace: async (layer, fraction) => {
        throwIfAborted(signal);
        await pacer.within(series, trial, layer, fraction);
      },
      onLayer: async ({ layer, weights, measured }) => {
        forwardKinds.push(Object.fromEntries(measured.map((m) => [m.quantity, m.kinds])));
        for (const m of measured) recordQuantity(sink.recorder, layer - 1, m.quantity, m.values, m.scan, m.kinds);
        const [z, h] = [measured[0].values, measured[1].values];
        if (bins && trial === 0) {
          sink.histograms.push({
            layer,
            pre: autoHistogram(z, bins),
            post: autoHistogram(h, bins),
            weights: autoHistogram(weights, bins),
          });
        }
        if (captureIndex.length && trial === 0) {
          const rowsOut = new Float64Array(captureIndex.length * width);
          captureIndex.forEach((r, k) => {
            rowsOut.set(z.subarray(r * width, (r + 1) * width), k * width);
          });
          sink.captured.push(rowsOut);
        }
        await pacer.finished(series, trial, layer);
      },
    });
    if (!resolved.backward) return;
    throwIfAborted(signal);
    const outputGrad = outputGradient(config.seed, trial, config.depth, rows, width);
    const context = {
      activation,
      architecture: config.architecture,
      alpha: branchScale(config.architecture, config.depth),
      rows: rows.length,
      width,
      forward: forwardKinds,
    };
    backwardTrial(context, trace, outputGrad).forEach((measured, l) => {
      for (const m of measured) recordQuantity(sink.recorder, l, m.quantity, m.values, m.scan, m.kinds);
      if (bins && trial === 0) {
        Object.assign(sink.histograms[l], {
          grad: autoHistogram(measured[0].values, bins),
          weightGrad: autoHistogram(measured[1].values, bins),
        });
      }
    });
  }

  /** Starts a float64 training session over every series of `config` (trainer.ts). */
  async train(config: ExperimentConfig): Promise<TrainingSession> {
    if (isGrid(config)) return trainGrid(this, config);
    return new CpuTrainingSession(config);
  }

  dispose(): void {}
}
