/**
 * The float64 trainer's network, as src/lab/training.ts and architecture.ts define it: its parameters drawn from the
 * stream, the forward pass of every architecture, and PyTorch's losses with their gradient at the readout
 * (trainBackward.ts takes it back to every parameter). Products run in blocks of rows, each reported to `pace` (the
 * session's chance to yield).
 *
 * Every matrix k computes Z_k = c_k·A_k·W_k + b_k from its input A_k, c_k its output multiplier (the
 * parametrization's; 1 in the standard one), applied as written on PyTorch's W (the GPU folds it into the weights it
 * holds instead). Plain: A_1 = X, A_{k+1} = φ(N(Z_k)), the readout reading A_{L+1}. Residual: the projection's Z is
 * x_1; block l reads A = φ(N(x_l)) into W_{l,1}, then A = φ(Z_{l,1}) into W_{l,2}, and x_{l+1} = x_l + α·Z_{l,2}; the
 * readout reads φ(N(x_{L+1})).
 */

import type { BoundActivation } from '../lab/activations';
import { type ArchitectureConfig, branchScale, type WeightMatrix } from '../lab/architecture';
import { layerBiases } from '../lab/bias';
import type { ExperimentConfig } from '../lab/config';
import type { DataSplit } from '../lab/datasets';
import { weightDistribution } from '../lab/initializers';
import { type Normalized, normalize } from '../lab/normalization';
import { sampleWeights } from '../lab/sampling';
import { trainFactors } from '../lab/training';
import { affineRows } from './layers';

/** Products run in blocks of rows of about this many multiply–adds (a few ms) between chances to yield. */
const BLOCK_MACS = 2e6;

/** Told after each block of a product how many multiply–adds it did and in which layer (1-based). */
export type Pace = (macs: number, layer: number) => Promise<void>;

/** A network's parameters: matrix k at index k, W_k row-major [fanIn × fanOut], b_k [fanOut]; the readout last. */
export interface Network {
  matrices: WeightMatrix[];
  weights: Float64Array[];
  biases: Float64Array[];
  /** c_k, each matrix's output multiplier. */
  multipliers: number[];
  architecture: ArchitectureConfig;
  /** α of a residual network. */
  alpha: number;
}

/** What the loss reads: class indices (classes > 0) or [rows × outputs] values. */
export interface ReadoutShape {
  classes: number;
  outputs: number;
}

/**
 * Series `series`'s network at initialization: each W_k from its initializer at {seed, series, trial 0, its
 * address}, scaled by the parametrization's factor, and the parametrization's multipliers; zero-initialized matrices
 * (zeroInitLast's W_{l,2}; the readout's W and b with `readoutZero`) start at 0.
 */
export function initialNetwork(config: ExperimentConfig, series: number, matrices: WeightMatrix[]): Network {
  const spec = config.sweep[series];
  const factors = trainFactors(config, matrices);
  const weights = matrices.map((m, i) => {
    if (factors[i].zero || m.zero) return new Float64Array(m.fanIn * m.fanOut);
    const address = { seed: config.seed, series, trial: 0, layer: m.address };
    const drawn = sampleWeights(weightDistribution(spec, m.fanIn, m.fanOut), address, m.fanIn, m.fanOut);
    const scale = factors[i].initScale;
    return scale === 1 ? drawn : drawn.map((w) => w * scale);
  });
  // A random bias (plain networks only, config.ts) draws trial 0's biases at the matrix's address.
  const biases = matrices.map((m, i) =>
    factors[i].zero ? new Float64Array(m.fanOut) : layerBiases(config.bias, config.seed, 0, m.address, m.fanOut),
  );
  return {
    matrices,
    weights,
    biases,
    multipliers: factors.map((f) => f.multiplier),
    architecture: config.architecture,
    alpha: branchScale(config.architecture, config.depth),
  };
}

/** Rows [first, last) of each function's product, in blocks of about BLOCK_MACS, each reported to `pace`. */
export async function inBlocks(
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

/**
 * What a forward pass keeps, matrix k at index k: its input A_k, its Z_k, and the normalization that made A_k (null
 * where none did); for a residual network the streams x_1 … x_{L+1}.
 */
export interface Trace {
  inputs: Float64Array[];
  pre: Float64Array[];
  normalized: (Normalized | null)[];
  streams: Float64Array[];
}

/** The layer a matrix's work counts toward in progress (the projection toward block 1). */
export const progressLayer = (m: WeightMatrix) => Math.max(1, m.layer);

/** Z_k = c_k·A·W_k + b_k over `rows` rows. */
async function product(net: Network, k: number, a: Float64Array, rows: number, pace: Pace): Promise<Float64Array> {
  const { fanIn, fanOut } = net.matrices[k];
  const z = new Float64Array(rows * fanOut);
  await inBlocks(rows, fanIn * fanOut, progressLayer(net.matrices[k]), pace, (first, last) =>
    affineRows(a, net.weights[k], z, first, last, fanIn, fanOut),
  );
  // The product first, then c·(product) + b: the order the GPU's layer step rounds in.
  const [c, b] = [net.multipliers[k], net.biases[k]];
  for (let e = 0; e < z.length; e++) z[e] = c * z[e] + b[e % fanOut];
  return z;
}

/** φ(N(v)) and the normalization it took (null without one). */
function activated(net: Network, activation: BoundActivation, v: Float64Array, rows: number, units: number) {
  const { norm, eps } = net.architecture;
  const normalized = norm === 'none' ? null : normalize(norm, v, rows, units, eps);
  return { values: (normalized ? normalized.values : v).map(activation.f), normalized };
}

/** The network on `rows` rows of x ([rows × n_0]); the readout's Z is the last of `pre`. */
export async function forward(
  net: Network,
  activation: BoundActivation,
  x: Float64Array,
  rows: number,
  pace: Pace,
): Promise<Trace> {
  const trace: Trace = { inputs: [], pre: [], normalized: [], streams: [] };
  const apply = async (k: number, a: Float64Array, normalized: Normalized | null) => {
    const z = await product(net, k, a, rows, pace);
    trace.inputs.push(a);
    trace.pre.push(z);
    trace.normalized.push(normalized);
    return z;
  };
  const last = net.matrices.length - 1;
  if (net.architecture.kind === 'plain') {
    let a = { values: x, normalized: null as Normalized | null };
    for (let k = 0; k <= last; k++) {
      const z = await apply(k, a.values, a.normalized);
      if (k < last) a = activated(net, activation, z, rows, net.matrices[k].fanOut);
    }
    return trace;
  }
  let stream = await apply(0, x, null);
  trace.streams.push(stream);
  for (let k = 1; k < last; k += 2) {
    const units = net.matrices[k].fanIn;
    const u = activated(net, activation, stream, rows, units);
    const z = await apply(k, u.values, u.normalized);
    const y = await apply(k + 1, z.map(activation.f), null);
    stream = stream.map((v, e) => v + net.alpha * y[e]);
    trace.streams.push(stream);
  }
  const u = activated(net, activation, stream, rows, net.matrices[last].fanIn);
  await apply(last, u.values, u.normalized);
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
