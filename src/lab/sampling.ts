/**
 * Weight and input elements as pure functions of their address: the float64 twin of shaders/weights.wgsl.
 * Uniform draws agree with the GPU bit for bit; normal draws agree to the last few bits (WGSL's log/cos).
 */
import type { WeightDistribution } from './initializers';
import { orthogonalWeights } from './orthogonal';
import { drawWordsAt, Stream, standardNormal, unitUniform } from './rng';

export interface TensorAddress {
  seed: number;
  series: number;
  trial: number;
  layer: number;
}

/** Truncated normal draws are redrawn while |z| exceeds this, in units of the pre-truncation std (Keras). */
export const TRUNCATION_BOUND = 2;
/**
 * Attempts before giving up on an element: each is rejected with probability 0.0455, so all 32 are with
 * probability 1e-43. Both engines then return 0, so they still agree. The counter's `attempt` field allows 65535.
 */
export const MAX_TRUNCATION_ATTEMPTS = 32;

/**
 * N(0, 1) truncated to [−2, 2] by rejection: attempt k uses the counter with attempt = k and Box–Muller (cosine
 * branch) on its words 0 and 1, so attempt 0 is the normal initializer's draw. shaders/weights.wgsl mirrors this loop.
 * A float32 z within rounding (~1e-6) of ±2 can be accepted by one engine and redrawn by the other: about 2 elements
 * in 10⁷ then differ entirely between CPU and GPU.
 */
export function truncatedStandardNormal(address: TensorAddress, element: number): number {
  for (let attempt = 0; attempt < MAX_TRUNCATION_ATTEMPTS; attempt++) {
    const [w0, w1] = drawWordsAt(
      address.seed,
      Stream.weights,
      address.series,
      address.trial,
      address.layer,
      element,
      attempt,
    );
    const z = standardNormal(w0, w1);
    if (Math.abs(z) <= TRUNCATION_BOUND) return z;
  }
  return 0;
}

/**
 * A unit-scale draw of the distribution's shape: the weight is `scale ×` this. Orthogonal weights are not
 * element-wise (each depends on the whole Gaussian matrix): sampleWeights computes them, and the GPU uploads them.
 */
export function unitWeight(shape: WeightDistribution['shape'], address: TensorAddress, element: number): number {
  if (shape === 'constant') return 1;
  if (shape === 'truncated-normal') return truncatedStandardNormal(address, element);
  if (shape === 'orthogonal')
    throw new RangeError('orthogonal weights are drawn a whole matrix at a time: use sampleWeights');
  const [w0, w1] = drawWordsAt(address.seed, Stream.weights, address.series, address.trial, address.layer, element);
  return shape === 'normal' ? standardNormal(w0, w1) : 2 * unitUniform(w0) - 1;
}

/**
 * Fill a row-major [fanIn × fanOut] float64 weight matrix for one layer. Orthogonal: QR of the normal
 * initializer's N(0, 1) draws at the same addresses, scaled so that W = gain·Q.
 */
export function sampleWeights(
  dist: WeightDistribution,
  address: TensorAddress,
  fanIn: number,
  fanOut: number,
): Float64Array {
  const weights = new Float64Array(fanIn * fanOut);
  if (dist.shape === 'constant') return weights.fill(dist.scale);
  const shape = dist.shape === 'orthogonal' ? 'normal' : dist.shape;
  for (let e = 0; e < weights.length; e++) weights[e] = unitWeight(shape, address, e);
  if (dist.shape === 'orthogonal') {
    const q = orthogonalWeights(weights, fanIn, fanOut);
    const gain = dist.scale * Math.sqrt(Math.max(fanIn, fanOut));
    return q.map((x) => gain * x);
  }
  for (let e = 0; e < weights.length; e++) weights[e] *= dist.scale;
  return weights;
}

export type InputDistribution = 'normal' | 'uniform' | 'pairs';
/** E[x²] of one input element: 1 for N(0, 1) (pairs too), 1/3 for U(−1, 1). */
export const inputSecondMoment: Record<InputDistribution, number> = { normal: 1, uniform: 1 / 3, pairs: 1 };

/** What a random input element depends on: its distribution, its row's width, and a pair's correlation. */
export interface RandomInputShape {
  distribution: InputDistribution;
  width: number;
  correlation?: number;
}

/** The draw at one element of the input stream: N(0, 1) or U(−1, 1), series word 0 (shared by every series). */
function inputDraw(uniform: boolean, seed: number, trial: number, element: number): number {
  const [w0, w1] = drawWordsAt(seed, Stream.input, 0, trial, 0, element);
  return uniform ? 2 * unitUniform(w0) - 1 : standardNormal(w0, w1);
}

/**
 * One random input element, X[row, column], from element row·n_0 + column of the input stream: N(0, 1) or U(−1, 1).
 * Pairs: rows 2k and 2k + 1 form a pair; row 2k is x, the normal draws of its own elements, and row 2k + 1 is
 * c₀·x + √(1 − c₀²)·y, y the normal draws of its own elements. Both rows are N(0, 1) rows and every coordinate pair has
 * correlation exactly c₀, so E[x·x′]/E[‖x‖²] = c₀ and the pair's cosine scatters around c₀ by about (1 − c₀²)/√n_0.
 * Inputs are shared by every series of a run, so the series of a sweep differ only in their weights.
 */
export function inputElement(
  input: RandomInputShape,
  seed: number,
  trial: number,
  row: number,
  column: number,
): number {
  const own = inputDraw(input.distribution === 'uniform', seed, trial, row * input.width + column);
  if (input.distribution !== 'pairs' || row % 2 === 0) return own;
  const c = input.correlation ?? 0;
  const partner = inputDraw(false, seed, trial, (row - 1) * input.width + column);
  return c * partner + Math.sqrt(1 - c * c) * own;
}
