/**
 * The pieces every theory curve is built from (theory.ts for plain networks, residualTheory.ts for residual ones): the
 * curves' shape, the law a normalization hands φ, the input's squared norm. φ's moments are activationMoments.ts's.
 */
import type { ExperimentConfig } from './config';
import type { InitSpec, WeightDistribution } from './initializers';
import { inputSecondMoment } from './sampling';
import type { Moments } from './stats';

export interface TheoryLayer {
  layer: number;
  pre: Moments;
  post: Moments;
  /** ∂L/∂Z_l. */
  grad: Moments;
  /** ∂L/∂W_l. */
  weightGrad: Moments;
  /** A residual block's stream x_{l+1}, branch α·F(x_l), ∂L/∂x_{l+1} and ∂L/∂W_{l,2}. */
  stream?: Moments;
  branch?: Moments;
  streamGrad?: Moments;
  branchWeightGrad?: Moments;
  /** With a pairs input: the mean-field correlation c_l of a pair's pre-activations (meanField.ts), as its mean. */
  correlation?: Moments;
}

export interface TheorySeries {
  label: string;
  init: InitSpec;
  /** Empty when no random-weight theory applies (constant non-zero weights: every unit computes the same thing). */
  layers: TheoryLayer[];
  /** True when pre.meanSq is exact at any width (homogeneous φ, zero bias); otherwise everything is mean field. */
  exactSecondMoment: boolean;
  /** Why `layers` is empty, for the page; absent otherwise. */
  unavailable?: string;
}

export const moments = (mean: number, meanSq: number): Moments => ({
  mean,
  var: Math.max(0, meanSq - mean * mean),
  meanSq,
});
export const centered = (meanSq: number): Moments => ({ mean: 0, var: meanSq, meanSq });

/** ‖x‖² of one input row: exact for fixed values, its expectation for a random batch. */
export function inputNormSq(config: ExperimentConfig): number {
  const input = config.input;
  return 'values' in input
    ? input.values.reduce((s, x) => s + x * x, 0)
    : input.width * inputSecondMoment[input.distribution];
}

/** Why no random-weight theory applies to a series, or null when one does. */
export function unavailableTheory(dists: WeightDistribution[]): string | null {
  return dists.some((d) => d.shape === 'constant' && d.scale !== 0)
    ? 'constant weights are not random: every unit of a layer computes the same value'
    : null;
}

/**
 * The law N(v) hands φ, in the mean field: v ~ N(mean, variance) itself without normalization; with it, mean 0 and
 * variance s/(s + ε), s the variance N divides by — the row's (the layer's variance) or, for BatchNorm, the unit's over
 * the batch (`batchVariance`). `backward` is E[(∂N/∂v)²]'s factor 1/(s + ε) on a gradient (as n → ∞, the mean and
 * projection N's backward removes being O(1/n)).
 */
export function normalizedLaw(
  config: ExperimentConfig,
  mean: number,
  variance: number,
  batchVariance: number,
): { mean: number; variance: number; backward: number } {
  const { norm, eps } = config.architecture;
  if (norm === 'none') return { mean, variance, backward: 1 };
  const s = norm === 'layer' ? variance : batchVariance;
  return { mean: 0, variance: s / (s + eps), backward: 1 / (s + eps) };
}
