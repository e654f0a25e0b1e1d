/**
 * The float64 reference engine: the experiment computed directly, row by row, from the same Philox stream as the GPU.
 * Rows are independent, so it can compute any subset of the batch (to verify a large GPU run on a sample of rows);
 * the backward pass's weight gradients then sum over that subset. With `backward`, a trial keeps every layer's
 * input, weights and pre-activations until its backward pass is done.
 */
import { type BoundActivation, bindActivation } from '../lab/activations';
import { layerBiases } from '../lab/bias';
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
import { type InitSpec, initLabel, weightDistribution } from '../lab/initializers';
import { spectrumOf } from '../lab/jacobian';
import { pairCosines } from '../lab/pairs';
import { phaseWork } from '../lab/phase';
import type { LayerHistograms, Quantity, RowCapture, RunResult, SeriesResult } from '../lab/results';
import { sampleWeights } from '../lab/sampling';
import { SeriesRecorder } from '../lab/seriesRecorder';
import { emptyPartial, type Moments, pushValue, toMoments } from '../lab/stats';
import type { Trainer, TrainingSession } from '../lab/training';
import { estimateRun, type RunEstimate, runWork } from '../lab/work';
import { backward, type ForwardTrace, type Gradients, outputGradient } from './backward';
import { TangentRows } from './jacobian';
import { affineRows, inputMatrix, measureCpuSpeed } from './layers';
import { affineLosesTerms } from './lostTerms';
import { Yielder } from './pace';
import { runPhaseOnCpu } from './phaseRun';
import {
  backwardProblems,
  type ForwardProblems,
  forwardProblems,
  type RangeKind,
  scanValues,
  statisticProblems,
  union,
  type ValueScan,
  valueProblems,
} from './rangeCheck';
import { CpuTrainingSession } from './trainer';

/** The forward product runs in blocks of rows of about this many multiply–adds (a few ms) between chances to yield. */
const BLOCK_MACS = 2e6;

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

/**
 * Records one trial's gradients with their range flags. δ_L = g_L ⊙ φ'(Z_L) is one product per element; δ_l above it
 * sums `width` products δ_{l+1}·W_{l+1}ᵀ and multiplies by φ'(Z_l), one more; ∂L/∂W_l sums one product per row.
 */
function recordBackward(
  recorder: SeriesRecorder,
  gradients: Gradients,
  forward: ForwardProblems[],
  readsPre: boolean,
  rows: number,
  width: number,
): void {
  const depth = gradients.pre.length;
  const scans = gradients.pre.map((g, l) => ({ grad: scanValues(g), weightGrad: scanValues(gradients.weights[l]) }));
  const own = scans.map((scan, l) => ({
    grad: valueProblems(scan.grad, gradients.termsLost.pre[l], l === depth - 1 ? 1 : width + 1),
    weightGrad: valueProblems(scan.weightGrad, gradients.termsLost.weights[l], rows),
  }));
  backwardProblems(own, forward, readsPre).forEach((problems, l) => {
    recordQuantity(recorder, l, 'grad', gradients.pre[l], scans[l].grad, problems.grad);
    recordQuantity(recorder, l, 'weightGrad', gradients.weights[l], scans[l].weightGrad, problems.weightGrad);
  });
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
    // Runs long enough to time well refine the speed estimates are made from.
    if (totalMs > 200) {
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
    const pairs = pairsInput(config) !== null;
    const tangent = resolved.jacobian ? new TangentRows(inputWidth(config)) : null;
    let h = inputMatrix(config, trial, rows);
    let fanIn = inputWidth(config);
    const trace: ForwardTrace = { inputs: [], pre: [], weights: [], fanIns: [] };
    const forward: ForwardProblems[] = [];
    for (let layer = 1; layer <= config.depth; layer++) {
      throwIfAborted(signal);
      const dist = weightDistribution(spec, fanIn, width);
      const w = sampleWeights(dist, { seed: config.seed, series, trial, layer }, fanIn, width);
      const z = new Float64Array(rows.length * width);
      const biases = layerBiases(config.bias, config.seed, trial, layer, width);
      for (let r = 0; r < rows.length; r++) z.set(biases, r * width);
      const block = Math.max(1, Math.floor(BLOCK_MACS / (fanIn * width)));
      for (let first = 0; first < rows.length; first += block) {
        const last = Math.min(rows.length, first + block);
        affineRows(h, w, z, first, last, fanIn, width);
        await pacer.within(series, trial, layer, last / rows.length);
      }
      if (resolved.backward) {
        trace.inputs.push(h);
        trace.pre.push(z);
        trace.weights.push(w);
        trace.fanIns.push(fanIn);
      }
      tangent?.step(w, width, z.subarray(0, width), activation);
      const preTermsLost = affineLosesTerms(h, w, fanIn, width);
      h = z.map(activation.f);
      const [preScan, postScan] = [scanValues(z), scanValues(h)];
      forward.push(forwardProblems(forward.at(-1)?.post ?? [], preScan, preTermsLost, fanIn, postScan));
      recordQuantity(sink.recorder, layer - 1, 'pre', z, preScan, forward[layer - 1].pre);
      recordQuantity(sink.recorder, layer - 1, 'post', h, postScan, forward[layer - 1].post);
      // A cosine is held whenever Z is: its flags are pre's, which the comparison applies to it.
      if (pairs) sink.recorder.record(layer - 1, 'correlation', toMoments(pairCosines(z, rows.length, width)));
      if (bins && trial === 0) {
        sink.histograms.push({
          layer,
          pre: autoHistogram(z, bins),
          post: autoHistogram(h, bins),
          weights: autoHistogram(w, bins),
        });
      }
      if (captureIndex.length && trial === 0) {
        const rowsOut = new Float64Array(captureIndex.length * width);
        captureIndex.forEach((r, k) => {
          rowsOut.set(z.subarray(r * width, (r + 1) * width), k * width);
        });
        sink.captured.push(rowsOut);
      }
      fanIn = width;
      await pacer.finished(series, trial, layer);
    }
    if (tangent) sink.spectra.push(tangent.singularValues());
    if (!resolved.backward) return;
    throwIfAborted(signal);
    const outputGrad = outputGradient(config.seed, trial, config.depth, rows, width);
    const gradients = backward(trace, outputGrad, activation, rows.length, width);
    recordBackward(sink.recorder, gradients, forward, !activation.constantSlope, rows.length, width);
    if (bins && trial === 0) {
      gradients.pre.forEach((g, l) => {
        Object.assign(sink.histograms[l], {
          grad: autoHistogram(g, bins),
          weightGrad: autoHistogram(gradients.weights[l], bins),
        });
      });
    }
  }

  /** Starts a float64 training session over every series of `config` (trainer.ts). */
  async train(config: ExperimentConfig): Promise<TrainingSession> {
    if (isGrid(config)) return trainGrid(this, config);
    return new CpuTrainingSession(config);
  }

  dispose(): void {}
}
