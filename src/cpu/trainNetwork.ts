/**
 * The float64 trainer's arithmetic for one network, as src/lab/training.ts defines the model: its parameters drawn
 * from the stream, the forward pass, PyTorch's losses with their gradient at the readout, and the backward pass to
 * every weight and bias. Products run in blocks of rows, each reported to `pace` (the session's chance to yield).
 *
 * With c_l the layer's output multiplier (the parametrization's; 1 in the standard one), Z_l = c_l·H_{l−1}·W_l + b_l
 * and, backward, with δ_l = ∂L/∂Z_l ([rows × n_l]):
 *   ∂L/∂W_l = c_l·H_{l−1}ᵀ·δ_l,   ∂L/∂b_l = Σ_rows δ_l,   δ_{l−1} = c_l·(δ_l·W_lᵀ) ⊙ φ′(Z_{l−1}).
 * The multiplier is applied as written, on PyTorch's W (the GPU folds it into the weights it holds instead).
 */

import type { BoundActivation } from '../lab/activations';
import { layerBiases } from '../lab/bias';
import type { ExperimentConfig } from '../lab/config';
import type { DataSplit } from '../lab/datasets';
import { weightDistribution } from '../lab/initializers';
import { sampleWeights } from '../lab/sampling';
import { trainFactors } from '../lab/training';
import { transposedRows, weightGradientRows } from './backward';
import { affineRows } from './layers';

/** Products run in blocks of rows of about this many multiply–adds (a few ms) between chances to yield. */
const BLOCK_MACS = 2e6;

/** Told after each block of a product how many multiply–adds it did and in which layer (1-based). */
export type Pace = (macs: number, layer: number) => Promise<void>;

/** A network's parameters: layer l at index l − 1, W_l row-major [n_{l−1} × n_l], b_l [n_l]. */
export interface Network {
  /** n_0 … n_{L+1}. */
  widths: number[];
  weights: Float64Array[];
  biases: Float64Array[];
  /** c_l, each layer's output multiplier. */
  multipliers: number[];
}

/** What the loss reads: class indices (classes > 0) or [rows × outputs] values. */
export interface ReadoutShape {
  classes: number;
  outputs: number;
}

/**
 * Series `series`'s network at initialization: each W_l from its initializer at {seed, series, trial 0, layer l},
 * scaled by the parametrization's factor, and the parametrization's multipliers (the readout's W and b 0 with
 * `readoutZero`).
 */
export function initialNetwork(config: ExperimentConfig, series: number, widths: number[]): Network {
  const spec = config.sweep[series];
  const factors = trainFactors(config);
  const weights = widths.slice(1).map((fanOut, i) => {
    const fanIn = widths[i];
    if (factors[i].zero) return new Float64Array(fanIn * fanOut);
    const address = { seed: config.seed, series, trial: 0, layer: i + 1 };
    const drawn = sampleWeights(weightDistribution(spec, fanIn, fanOut), address, fanIn, fanOut);
    const scale = factors[i].initScale;
    return scale === 1 ? drawn : drawn.map((w) => w * scale);
  });
  const biases = widths
    .slice(1)
    .map((units, i) =>
      factors[i].zero ? new Float64Array(units) : layerBiases(config.bias, config.seed, 0, i + 1, units),
    );
  return { widths, weights, biases, multipliers: factors.map((f) => f.multiplier) };
}

/** Multiplies `values` by c in place unless c is 1. */
function scaleBy(values: Float64Array, c: number): void {
  if (c !== 1) for (let e = 0; e < values.length; e++) values[e] *= c;
}

/** Rows [first, last) of each function's product, in blocks of about BLOCK_MACS, each reported to `pace`. */
async function inBlocks(
  rows: number,
  macsPerRow: number,
  layer: number,
  pace: Pace,
  product: (first: number, last: number) => void,
): Promise<void> {
  const block = Math.max(1, Math.floor(BLOCK_MACS / Math.max(macsPerRow, 1)));
  for (let first = 0; first < rows; first += block) {
    const last = Math.min(rows, first + block);
    product(first, last);
    await pace((last - first) * macsPerRow, layer);
  }
}

/** What a forward pass keeps: every layer's input H_{l−1} (H_0 = X) and pre-activation Z_l, layer l at l − 1. */
export interface Trace {
  inputs: Float64Array[];
  pre: Float64Array[];
}

/** The network on `rows` rows of x ([rows × n_0]); the readout's Z is the last of `pre`. */
export async function forward(
  net: Network,
  activation: BoundActivation,
  x: Float64Array,
  rows: number,
  pace: Pace,
): Promise<Trace> {
  const trace: Trace = { inputs: [], pre: [] };
  let h = x;
  for (let i = 0; i < net.weights.length; i++) {
    const [fanIn, fanOut] = [net.widths[i], net.widths[i + 1]];
    const z = new Float64Array(rows * fanOut);
    await inBlocks(rows, fanIn * fanOut, i + 1, pace, (first, last) =>
      affineRows(h, net.weights[i], z, first, last, fanIn, fanOut),
    );
    // The product first, then c·(product) + b: the order the GPU's layer step rounds in.
    const [c, b] = [net.multipliers[i], net.biases[i]];
    for (let e = 0; e < z.length; e++) z[e] = c * z[e] + b[e % fanOut];
    trace.inputs.push(h);
    trace.pre.push(z);
    if (i < net.weights.length - 1) h = z.map(activation.f);
  }
  return trace;
}

/** The first index of the largest value of row r: torch.argmax's choice among ties. */
function argmax(z: Float64Array, r: number, units: number): number {
  let best = 0;
  for (let j = 1; j < units; j++) if (z[r * units + j] > z[r * units + best]) best = j;
  return best;
}

/** log Σ_j exp(z_rj), computed from the row's largest value so that no exp overflows. */
function logSumExp(z: Float64Array, r: number, units: number): number {
  const top = z[r * units + argmax(z, r, units)];
  let sum = 0;
  for (let j = 0; j < units; j++) sum += Math.exp(z[r * units + j] - top);
  return top + Math.log(sum);
}

/**
 * The loss summed over the rows' terms (cross-entropy: −log softmax(z)[label] per row; squared error: (z − y)² per
 * element), and the rows whose argmax is their label (0 for regression). The mean divides by lossTerms.
 */
export function lossSum(z: Float64Array, batch: DataSplit, shape: ReadoutShape): { loss: number; correct: number } {
  let loss = 0;
  let correct = 0;
  const units = shape.outputs;
  for (let r = 0; r < batch.rows; r++) {
    if (shape.classes) {
      const label = batch.y[r];
      loss += logSumExp(z, r, units) - z[r * units + label];
      if (argmax(z, r, units) === label) correct++;
    } else {
      for (let j = 0; j < units; j++) loss += (z[r * units + j] - batch.y[r * units + j]) ** 2;
    }
  }
  return { loss, correct };
}

/** What PyTorch's mean reduction divides by: the rows for CrossEntropyLoss, every element for MSELoss. */
export function lossTerms(rows: number, shape: ReadoutShape): number {
  return shape.classes ? rows : rows * shape.outputs;
}

/** ∂(mean loss)/∂Z at the readout: (softmax(z) − onehot(label))/rows, or 2(z − y)/(rows·outputs). */
export function readoutGradient(z: Float64Array, batch: DataSplit, shape: ReadoutShape): Float64Array {
  const units = shape.outputs;
  const terms = lossTerms(batch.rows, shape);
  const delta = new Float64Array(z.length);
  for (let r = 0; r < batch.rows; r++) {
    if (shape.classes) {
      const lse = logSumExp(z, r, units);
      for (let j = 0; j < units; j++) delta[r * units + j] = Math.exp(z[r * units + j] - lse) / terms;
      delta[r * units + batch.y[r]] -= 1 / terms;
    } else {
      for (let j = 0; j < units; j++) delta[r * units + j] = (2 * (z[r * units + j] - batch.y[r * units + j])) / terms;
    }
  }
  return delta;
}

/** ∂L/∂W_l and ∂L/∂b_l, shaped as the network's parameters. */
export interface Gradients {
  weights: Float64Array[];
  biases: Float64Array[];
}

/** Back-propagates δ at the readout through the traced network to every parameter's gradient. */
export async function backward(
  net: Network,
  activation: BoundActivation,
  trace: Trace,
  readoutDelta: Float64Array,
  rows: number,
  pace: Pace,
): Promise<Gradients> {
  const layers = net.weights.length;
  const gradients: Gradients = { weights: new Array(layers), biases: new Array(layers) };
  let delta = readoutDelta;
  for (let i = layers - 1; i >= 0; i--) {
    const [fanIn, fanOut] = [net.widths[i], net.widths[i + 1]];
    const gw = new Float64Array(fanIn * fanOut);
    const current = delta;
    await inBlocks(rows, fanIn * fanOut, i + 1, pace, (first, last) =>
      weightGradientRows(trace.inputs[i], current, gw, first, last, fanIn, fanOut),
    );
    scaleBy(gw, net.multipliers[i]);
    const gb = new Float64Array(fanOut);
    for (let r = 0; r < rows; r++) for (let j = 0; j < fanOut; j++) gb[j] += current[r * fanOut + j];
    gradients.weights[i] = gw;
    gradients.biases[i] = gb;
    if (i === 0) break;
    const upstream = new Float64Array(rows * fanIn);
    await inBlocks(rows, fanIn * fanOut, i + 1, pace, (first, last) =>
      transposedRows(current, net.weights[i], upstream, first, last, fanIn, fanOut),
    );
    const below = trace.pre[i - 1];
    const c = net.multipliers[i];
    delta = upstream.map((g, e) => c * g * activation.df(below[e]));
  }
  return gradients;
}

/** The mean loss of a minibatch and its gradient with respect to every parameter. */
export async function minibatchGradient(
  net: Network,
  activation: BoundActivation,
  batch: DataSplit,
  shape: ReadoutShape,
  pace: Pace,
): Promise<{ loss: number; gradients: Gradients }> {
  const trace = await forward(net, activation, batch.x, batch.rows, pace);
  const z = trace.pre[trace.pre.length - 1];
  const loss = lossSum(z, batch, shape).loss / lossTerms(batch.rows, shape);
  const delta = readoutGradient(z, batch, shape);
  return { loss, gradients: await backward(net, activation, trace, delta, batch.rows, pace) };
}

/** The rows `rows` of a split, gathered in that order: one minibatch. */
export function gatherRows(split: DataSplit, rows: Int32Array, dim: number, perRow: number): DataSplit {
  const x = new Float64Array(rows.length * dim);
  const y =
    split.y instanceof Int32Array ? new Int32Array(rows.length * perRow) : new Float64Array(rows.length * perRow);
  rows.forEach((row, r) => {
    x.set(split.x.subarray(row * dim, (row + 1) * dim), r * dim);
    y.set(split.y.subarray(row * perRow, (row + 1) * perRow), r * perRow);
  });
  return { x, y, rows: rows.length };
}
