/**
 * Weight and input elements as pure functions of their address: the float64 twin of shaders/weights.wgsl.
 * Uniform draws agree with the GPU bit for bit; normal draws agree to the last few bits (WGSL's log/cos).
 */
import type { WeightDistribution } from './initializers';
import { drawWordsAt, standardNormal, Stream, unitUniform } from './rng';

export interface TensorAddress {
  seed: number;
  series: number;
  trial: number;
  layer: number;
}

/** A unit-scale draw of the distribution's shape: the weight is `scale ×` this. */
export function unitWeight(shape: WeightDistribution['shape'], address: TensorAddress, element: number): number {
  if (shape === 'constant') return 1;
  const [w0, w1] = drawWordsAt(address.seed, Stream.weights, address.series, address.trial, address.layer, element);
  return shape === 'normal' ? standardNormal(w0, w1) : 2 * unitUniform(w0) - 1;
}

/** Fill a row-major [fanIn × fanOut] float64 weight matrix for one layer. */
export function sampleWeights(dist: WeightDistribution, address: TensorAddress, fanIn: number, fanOut: number): Float64Array {
  const weights = new Float64Array(fanIn * fanOut);
  if (dist.shape === 'constant') return weights.fill(dist.scale);
  for (let e = 0; e < weights.length; e++) weights[e] = dist.scale * unitWeight(dist.shape, address, e);
  return weights;
}

export type InputDistribution = 'normal' | 'uniform';

/**
 * One random input element: N(0, 1) or U(−1, 1). Inputs are shared by every series of a run (series word 0),
 * so the series of a sweep differ only in their weights.
 */
export function inputElement(distribution: InputDistribution, seed: number, trial: number, element: number): number {
  const [w0, w1] = drawWordsAt(seed, Stream.input, 0, trial, 0, element);
  return distribution === 'normal' ? standardNormal(w0, w1) : 2 * unitUniform(w0) - 1;
}
