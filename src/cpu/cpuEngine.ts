/**
 * The float64 reference engine: the experiment computed directly, row by row, from the same Philox stream as the GPU,
 * for every architecture (networkForward.ts, networkBackward.ts). Rows are independent but under BatchNorm, so it can
 * compute any subset of the batch (to verify a large GPU run on a sample of rows); the backward pass's weight
 * gradients then sum over that subset. With `backward`, a trial keeps what its backward pass reads until it is done.
 */
import { type BoundActivation, bindActivation } from '../lab/activations';
import { branchScale } from '../lab/architecture';
import { batchRows, type ExperimentConfig, inputWidth, pairsInput } from '../lab/config';
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
import { spectrumOf } from '../lab/jacobian';
import { pairCosines } from '../lab/pairs';
import { phaseWork } from '../lab/phase';
import type { LayerHistograms, Quantity, RowCapture, RunResult, SeriesResult } from '../lab/results';
import { SeriesRecorder } from '../lab/seriesRecorder';
import { emptyPartial, type Moments, pushValue, toMoments } from '../lab/stats';
import type { Trainer, TrainingSession } from '../lab/training';
import { estimateRun, type RunEstimate, runWork } from '../lab/work';
import { outputGradient } from './backward';
import { TangentRows } from './jacobian';
import { inputMatrix, measureCpuSpeed, timesProducts } from './layers';
import { backwardTrial, type ForwardKinds } from './networkBackward';
import { forwardTrial } from './networkForward';
import { Yielder } from './pace';
import { runPhaseOnCpu } from './phaseRun';
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
  /** Each trial's Jacobian singular values, when asked. */
  spectra: Float64Array[];
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
    const work = options.phase
      ? phaseWork(config)
      : runWork(config, options.backward === true, options.jacobian === true);
    return estimateRun(work * rows, this.macsPerSecond, null);
  }

  async run(config: ExperimentConfig, options: RunOptions = {}): Promise<RunResult> {
    if (isGrid(config)) return runGrid((c, o) => this.run(c, o), config, options);
    const started = performance.now();
    const resolved = resolveRunOptions(config, options);
    if (resolved.phase) {
      const phase = await runPhaseOnCpu(config, options);
      return { config, engine: 'cpu', series: [], phase, timings: { totalMs: performance.now() - started } };
    }
    const activation = bindActivation(config.activation, config);
    const capture: RowCapture | undefined = resolved.captureRows.length
      ? { rows: resolved.captureRows, preActivations: [] }
      : undefined;
    const pacer = new Pacer(config.sweep.length * config.trials * config.depth, options);

    const series: SeriesResult[] = [];
    for (const [s, spec] of config.sweep.entries()) {
      const sink: SeriesSink = {
        recorder: new SeriesRecorder(config.depth),
        histograms: [],
        spectra: [],
        captured: [],
      };
      for (let trial = 0; trial < config.trials; trial++) {
        await this.trial(config, spec, s, trial, activation, resolved, sink, options.signal, pacer);
      }
      capture?.preActivations.push(sink.captured);
      const histograms = resolved.histogramBins ? { histograms: sink.histograms } : {};
      const jacobian = resolved.jacobian ? { jacobian: spectrumOf(resolved.rows[0], sink.spectra) } : {};
      series.push({ label: initLabel(spec), init: spec, layers: sink.recorder.layers(), ...histograms, ...jacobian });
    }
    const totalMs = performance.now() - started;
    // Runs long enough to time well, of products large enough to time the products, refine the estimates' speed.
    if (totalMs > 200 && timesProducts(resolved.rows.length, config.width)) {
      this.macsPerSecond =
        (runWork(config, resolved.backward, resolved.jacobian) * resolved.rows.length) /
        batchRows(config) /
        (totalMs / 1000);
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
    const pairs = pairsInput(config) !== null;
    // The Jacobian of the plain network without normalization (engine.ts refuses it for the others).
    const tangent = resolved.jacobian ? new TangentRows(inputWidth(config)) : null;
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
        tangent?.step(weights, width, z.subarray(0, width), activation);
        // A cosine is held whenever Z is: its flags are pre's, which the comparison applies to it.
        if (pairs) sink.recorder.record(layer - 1, 'correlation', toMoments(pairCosines(z, rows.length, width)));
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
    if (tangent) sink.spectra.push(tangent.singularValues());
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
