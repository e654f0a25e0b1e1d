/**
 * Values compared one by one: a difference relative to a scale, and the rows a run captured — their statistics
 * recomputed in float64 (what a sampled CPU reference is checked against) and the largest difference between two.
 */
import { bindActivation } from './activations';
import type { ExperimentConfig } from './config';
import { normalize } from './normalization';
import type { ForwardQuantity } from './results';
import { emptyPartial, type Moments, pushValue, toMoments } from './stats';

/** |c − r| relative to `scale` (0 when equal, Infinity when the scale is 0 or not finite and they differ). */
export function relativeDifference(candidate: number, reference: number, scale: number): number {
  const difference = Math.abs(candidate - reference);
  if (difference === 0) return 0;
  return scale === 0 || !Number.isFinite(scale) ? Infinity : difference / Math.abs(scale);
}

/**
 * Statistics of a captured layer (trial 0), pre and post, in float64: H = φ(Z), or φ(LN(Z)) row by row in a plain
 * LayerNorm network (a residual block's H is φ(Z) whatever the norm). BatchNorm networks are never sampled.
 */
export function capturedMoments(
  config: ExperimentConfig,
  preActivations: Float64Array,
): Record<ForwardQuantity, Moments> {
  const f = bindActivation(config.activation, config).f;
  const { kind, norm, eps } = config.architecture;
  const rows = preActivations.length / config.width;
  const normalized =
    kind === 'plain' && norm === 'layer'
      ? normalize('layer', preActivations, rows, config.width, eps).values
      : preActivations;
  const pre = emptyPartial();
  const post = emptyPartial();
  preActivations.forEach((z, e) => {
    pushValue(pre, z);
    pushValue(post, f(normalized[e]));
  });
  return { pre: toMoments(pre), post: toMoments(post) };
}

/** max |c − r| over the captured values, relative to the RMS of r. */
export function activationDifference(candidate: Float64Array, reference: Float64Array): number {
  if (candidate.length !== reference.length) return Infinity;
  let worst = 0;
  let sumSq = 0;
  for (let i = 0; i < reference.length; i++) {
    const d = Math.abs(candidate[i] - reference[i]);
    worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
    sumSq += reference[i] * reference[i];
  }
  return relativeDifference(worst, 0, Math.sqrt(sumSq / Math.max(reference.length, 1)));
}
