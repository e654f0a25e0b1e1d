/**
 * The float64 reference engine: the experiment computed directly, row by row, from the same Philox stream as the GPU.
 * Rows are independent, so it can compute any subset of the batch (to verify a large GPU run on a sample of rows);
 * the backward pass's weight gradients then sum over that subset. With `backward`, a trial keeps every layer's
 * input, weights and pre-activations until its backward pass is done.
 */
import { bindActivation } from '../lab/activations';
import { type ExperimentConfig, inputWidth } from '../lab/config';
import { autoHistogram } from '../lab/histogram';
import { initLabel, weightDistribution } from '../lab/initializers';
import {
  type Engine,
  type FlaggedQuantity,
  type LayerHistograms,
  type LayerStats,
  type RangeFlag,
  type RowCapture,
  type RunOptions,
  type RunResult,
  type SeriesResult,
  selectedRows,
  throwIfAborted,
} from '../lab/results';
import { inputElement, sampleWeights } from '../lab/sampling';
import { emptyPartial, type Moments, type Partial, pushValue, summarizeTrials, toMoments } from '../lab/stats';
import { backward, type ForwardTrace, type Gradients, outputGradient } from './backward';
import { affineLosesTerms } from './lostTerms';
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

/** Yield to the event loop this often, so a Worker can receive a cancel message. */
const YIELD_EVERY_MS = 30;

/** Per-trial moments of one layer, summarized over the trials at the end. */
interface LayerRecord {
  pre: Moments[];
  post: Moments[];
  grad: Moments[];
  weightGrad: Moments[];
  flags: RangeFlag[];
}

/** Records one trial's moments of a quantity and flags its value problems and its moments' problems (rangeCheck.ts). */
function recordQuantity(
  record: LayerRecord,
  quantity: FlaggedQuantity,
  values: Float64Array,
  scan: ValueScan,
  valueKinds: RangeKind[],
): void {
  const moments = statsOf(values);
  record[quantity].push(moments);
  for (const kind of union(valueKinds, statisticProblems(moments, scan))) {
    // One flag per quantity and kind, whichever trials raised it.
    if (!record.flags.some((f) => f.quantity === quantity && f.kind === kind))
      record.flags.push({ quantity, kind, precision: 'float64' });
  }
}

function summarizeLayer(r: LayerRecord, i: number): LayerStats {
  return {
    layer: i + 1,
    pre: summarizeTrials(r.pre),
    post: summarizeTrials(r.post),
    flags: r.flags,
    ...(r.grad.length ? { grad: summarizeTrials(r.grad), weightGrad: summarizeTrials(r.weightGrad) } : {}),
  };
}

function statsOf(values: Float64Array): Moments {
  const p: Partial = emptyPartial();
  for (const x of values) pushValue(p, x);
  return toMoments(p);
}

/**
 * Records one trial's gradients with their range flags. δ_L = g_L ⊙ φ'(Z_L) is one product per element; δ_l above it
 * sums `width` products δ_{l+1}·W_{l+1}ᵀ and multiplies by φ'(Z_l), one more; ∂L/∂W_l sums one product per row.
 */
function recordBackward(
  perLayer: LayerRecord[],
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
    recordQuantity(perLayer[l], 'grad', gradients.pre[l], scans[l].grad, problems.grad);
    recordQuantity(perLayer[l], 'weightGrad', gradients.weights[l], scans[l].weightGrad, problems.weightGrad);
  });
}

/** The input rows [rows.length × n_0] of one trial. */
export function inputMatrix(config: ExperimentConfig, trial: number, rows: number[]): Float64Array {
  const n0 = inputWidth(config);
  const input = config.input;
  const matrix = new Float64Array(rows.length * n0);
  rows.forEach((row, r) => {
    for (let c = 0; c < n0; c++) {
      matrix[r * n0 + c] =
        'values' in input ? input.values[c] : inputElement(input.distribution, config.seed, trial, row * n0 + c);
    }
  });
  return matrix;
}

/** Z = H·W + b for a [rows × fanIn] by [fanIn × fanOut] product, row-major. */
export function affine(
  h: Float64Array,
  w: Float64Array,
  rows: number,
  fanIn: number,
  fanOut: number,
  bias: number,
): Float64Array {
  const z = new Float64Array(rows * fanOut).fill(bias);
  for (let r = 0; r < rows; r++) {
    const zRow = r * fanOut;
    for (let i = 0; i < fanIn; i++) {
      const hValue = h[r * fanIn + i];
      if (hValue === 0) continue;
      const wRow = i * fanOut;
      for (let j = 0; j < fanOut; j++) z[zRow + j] += hValue * w[wRow + j];
    }
  }
  return z;
}

export class CpuEngine implements Engine {
  readonly name = 'cpu' as const;

  async run(config: ExperimentConfig, options: RunOptions = {}): Promise<RunResult> {
    const started = performance.now();
    const { rows, captureRows } = selectedRows(config, options);
    const captureIndex = captureRows.map((row) => rows.indexOf(row));
    const capture: RowCapture | undefined = captureRows.length ? { rows: captureRows, preActivations: [] } : undefined;

    const activation = bindActivation(config.activation, config);
    const n0 = inputWidth(config);
    const bins = options.histogramBins;
    if (bins !== undefined && (!Number.isInteger(bins) || bins < 1))
      throw new RangeError(`histogramBins must be a positive integer, got ${bins}`);
    const total = config.sweep.length * config.trials * config.depth;
    let done = 0;
    let lastYield = performance.now();

    const series: SeriesResult[] = [];
    for (let s = 0; s < config.sweep.length; s++) {
      const spec = config.sweep[s];
      const perLayer: LayerRecord[] = Array.from({ length: config.depth }, () => ({
        pre: [],
        post: [],
        grad: [],
        weightGrad: [],
        flags: [],
      }));
      const histograms: LayerHistograms[] = [];
      capture?.preActivations.push([]);
      for (let trial = 0; trial < config.trials; trial++) {
        let h = inputMatrix(config, trial, rows);
        let fanIn = n0;
        const trace: ForwardTrace | null = options.backward ? { inputs: [], pre: [], weights: [], fanIns: [] } : null;
        const forward: ForwardProblems[] = [];
        for (let layer = 1; layer <= config.depth; layer++) {
          throwIfAborted(options.signal);
          const dist = weightDistribution(spec, fanIn, config.width);
          const w = sampleWeights(dist, { seed: config.seed, series: s, trial, layer }, fanIn, config.width);
          const z = affine(h, w, rows.length, fanIn, config.width, config.bias);
          if (trace) {
            trace.inputs.push(h);
            trace.pre.push(z);
            trace.weights.push(w);
            trace.fanIns.push(fanIn);
          }
          const preTermsLost = affineLosesTerms(h, w, fanIn, config.width);
          h = z.map(activation.f);
          const [preScan, postScan] = [scanValues(z), scanValues(h)];
          forward.push(forwardProblems(forward.at(-1)?.post ?? [], preScan, preTermsLost, fanIn, postScan));
          recordQuantity(perLayer[layer - 1], 'pre', z, preScan, forward[layer - 1].pre);
          recordQuantity(perLayer[layer - 1], 'post', h, postScan, forward[layer - 1].post);
          if (bins && trial === 0)
            histograms.push({
              layer,
              pre: autoHistogram(z, bins),
              post: autoHistogram(h, bins),
              weights: autoHistogram(w, bins),
            });
          if (capture && trial === 0) {
            const rowsOut = new Float64Array(captureIndex.length * config.width);
            captureIndex.forEach((r, k) => {
              rowsOut.set(z.subarray(r * config.width, (r + 1) * config.width), k * config.width);
            });
            capture.preActivations[s].push(rowsOut);
          }
          fanIn = config.width;
          options.onProgress?.({ done: ++done, total, series: s, trial, layer });
          if (performance.now() - lastYield > YIELD_EVERY_MS) {
            await new Promise((resolve) => setTimeout(resolve, 0));
            lastYield = performance.now();
          }
        }
        if (trace) {
          throwIfAborted(options.signal);
          const gradients = backward(
            trace,
            outputGradient(config.seed, trial, config.depth, rows, config.width),
            activation,
            rows.length,
            config.width,
          );
          recordBackward(perLayer, gradients, forward, !activation.constantSlope, rows.length, config.width);
          if (bins && trial === 0) {
            gradients.pre.forEach((g, l) => {
              Object.assign(histograms[l], {
                grad: autoHistogram(g, bins),
                weightGrad: autoHistogram(gradients.weights[l], bins),
              });
            });
          }
        }
      }
      series.push({
        label: initLabel(spec),
        init: spec,
        layers: perLayer.map(summarizeLayer),
        ...(bins ? { histograms } : {}),
      });
    }
    return {
      config,
      engine: 'cpu',
      series,
      timings: { totalMs: performance.now() - started },
      ...(capture ? { capture } : {}),
    };
  }

  dispose(): void {}
}
