/**
 * What theory predicts for each layer, drawn dashed next to the measurements.
 *
 * Forward. Z_l = H_{l−1}·W_l + b with W_l's elements independent, zero-mean, variance v_l, independent of H_{l−1}:
 *   E[Z_l] = b,  Var(Z_l) = s_l = v_l·n_{l−1}·E[H_{l−1}²]   (exact at any width),
 * with n_0·E[H_0²] = ‖X‖² for a fixed input and n_0·E[x²] for a random batch. The mean field then takes
 * Z_l ~ N(b, s_l) to get E[H_l] and E[H_l²] = E[φ(b + √s_l·z)²]: the length map q_l = v·n·E[φ(√q_{l−1}·z)²] + b² of
 * Poole et al. (2016). A constant bias b shifts the mean; a random one, b ~ N(0, σ_b²) per unit (theirs), adds σ_b² to
 * the variance instead: s_l = v_l·n_{l−1}·E[H_{l−1}²] + σ_b².
 * For a homogeneous φ (piecewise linear) at b = 0, Z_l is symmetric and E[φ(Z)²] = E[Z²]·(φ(1)² + φ(−1)²)/2 whatever its
 * law, so E[Z_l²] — for ReLU v_1·‖X‖²·Π_{k≥2}(n·v_k/2) — is exact at any width; the rest holds as n → ∞.
 *
 * Backward, from g_L ~ N(0, 1) (L = Σ g_L ⊙ H_L, see src/cpu/backward.ts), as n → ∞ with W independent of the
 * forward values (the gradient-independence assumption): δ_l = ∂L/∂Z_l has mean 0 and
 *   E[δ_L²] = E[φ'(Z_L)²],  E[δ_l²] = n_{l+1}·v_{l+1}·E[δ_{l+1}²]·E[φ'(Z_l)²]   (ReLU: E[g_{l−1}²] = (n·v/2)·E[g_l²]),
 * and ∂L/∂W_l = H_{l−1}ᵀ·δ_l, a sum over the batch's rows of independent zero-mean terms: E[(∂L/∂W_l)²] =
 * rows·E[H_{l−1}²]·E[δ_l²].
 *
 * With normalization, H_l = φ(N(Z_l)) and φ reads the law theoryBasics.ts's normalizedLaw gives (variance s/(s + ε)),
 * and δ_l gains N's factor 1/(s + ε): the forward signal forgets the weights' scale, the gradients do not. Nothing is
 * exact then. Residual networks have their own recursion (residualTheory.ts).
 */

import { activationMoments } from './activationMoments';
import { type BoundActivation, bindActivation } from './activations';
import { biasMean, biasVariance, isZeroBias } from './bias';
import { batchRows, type ExperimentConfig, inputWidth, pairsInput } from './config';
import { distributionVariance, type InitSpec, initLabel, weightDistribution } from './initializers';
import { type PairMoments, pairLayer } from './meanField';
import { residualTheory } from './residualTheory';
import type { Moments } from './stats';
import { centered, inputNormSq, moments, normalizedLaw, type TheorySeries, unavailableTheory } from './theoryBasics';

export { type ActivationMoments, activationMoments } from './activationMoments';
export type { TheoryLayer, TheorySeries } from './theoryBasics';

function seriesTheory(config: ExperimentConfig, spec: InitSpec, phi: BoundActivation): TheorySeries {
  const label = initLabel(spec);
  const fanIns = Array.from({ length: config.depth }, (_, i) => (i === 0 ? inputWidth(config) : config.width));
  const dists = fanIns.map((fanIn) => weightDistribution(spec, fanIn, config.width));
  const { norm } = config.architecture;
  const exactSecondMoment = phi.homogeneous && isZeroBias(config.bias) && norm === 'none';
  const [biasShift, biasSpread] = [biasMean(config.bias), biasVariance(config.bias)];
  const unavailable = unavailableTheory(dists);
  if (unavailable) return { label, init: spec, layers: [], exactSecondMoment: false, unavailable };
  const v = dists.map(distributionVariance);
  const forward: { pre: Moments; post: Moments; derivativeMeanSq: number; inputMeanSq: number }[] = [];
  let previousNormSq = inputNormSq(config);
  // BatchNorm's variance of a unit over the batch: the rows' common mean of H_{l−1} and a unit's bias leave it.
  let previousBatchSq = previousNormSq;
  for (let l = 0; l < config.depth; l++) {
    const preVariance = v[l] * previousNormSq + biasSpread;
    const n = normalizedLaw(config, biasShift, preVariance, v[l] * previousBatchSq);
    const a = activationMoments(phi, n.mean, n.variance);
    forward.push({
      pre: { mean: biasShift, var: preVariance, meanSq: preVariance + biasShift ** 2 },
      post: moments(a.mean, a.meanSq),
      derivativeMeanSq: a.derivativeMeanSq * n.backward,
      inputMeanSq: previousNormSq / fanIns[l],
    });
    previousNormSq = config.width * a.meanSq;
    previousBatchSq = config.width * (a.meanSq - a.mean ** 2);
  }
  const gradMeanSq = new Array<number>(config.depth);
  gradMeanSq[config.depth - 1] = forward[config.depth - 1].derivativeMeanSq;
  for (let l = config.depth - 2; l >= 0; l--) {
    gradMeanSq[l] = config.width * v[l + 1] * gradMeanSq[l + 1] * forward[l].derivativeMeanSq;
  }
  const rows = batchRows(config);
  const correlations = pairCorrelations(config, v, fanIns, phi);
  const layers = forward.map((f, l) => ({
    layer: l + 1,
    pre: f.pre,
    post: f.post,
    grad: centered(gradMeanSq[l]),
    weightGrad: centered(rows * f.inputMeanSq * gradMeanSq[l]),
    ...(correlations ? { correlation: { mean: correlations[l], var: 0, meanSq: correlations[l] ** 2 } } : {}),
  }));
  return { label, init: spec, layers, exactSecondMoment };
}

/**
 * With a pairs input, c_l layer by layer (meanField.ts's pairLayer): the pair enters with E[x²] = 1 and E[x·x′] = c₀
 * per coordinate, and layer l's weights have σ_w² = n_{l−1}·v_l. Null without pairs.
 */
function pairCorrelations(
  config: ExperimentConfig,
  v: number[],
  fanIns: number[],
  phi: BoundActivation,
): number[] | null {
  const pairs = pairsInput(config);
  if (!pairs) return null;
  const bias = { mean: biasMean(config.bias), variance: biasVariance(config.bias) };
  let moments: PairMoments = { same: 1, cross: pairs.correlation };
  return v.map((variance, l) => {
    const layer = pairLayer(phi, variance * fanIns[l], bias, moments);
    moments = layer.post;
    return layer.correlation;
  });
}

/** Predicted per-layer moments, forward and backward, for every series of a config. */
export function theoryCurves(config: ExperimentConfig): TheorySeries[] {
  const phi = bindActivation(config.activation, config);
  const theory = config.architecture.kind === 'residual' ? residualTheory : seriesTheory;
  return config.sweep.map((spec) => theory(config, spec, phi));
}
