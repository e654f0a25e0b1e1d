/**
 * Dynamical isometry (Saxe et al. 2014; Pennington, Schoenholz & Ganguli 2017): the singular values of the input–output
 * Jacobian J = ∂H_L/∂X at one input, J = W_1·D_1·W_2·D_2 ⋯ W_L·D_L in the lab's row convention (Z = H·W), with
 * D_l = diag(φ′(Z_l)). Both engines build J as the network's tangent map applied to the identity — n_0 tangent rows
 * pushed through the same weights, each layer scaled by the input row's φ′ — and take its singular values in float64
 * (svd.ts). A series reports every trial's values, at the first row the run computed, with their mean square and spread.
 */
import { quantileOfSorted } from './stats';

/** J's singular values are found on the CPU in O(n³): at 1024 they take seconds. */
export const MAX_JACOBIAN_WIDTH = 1024;

export interface JacobianSpectrum {
  /** The batch row at which J was taken, in every trial. */
  row: number;
  /** J's singular values, trial after trial, each trial's from the largest: min(n_0, width) of them per trial. */
  singularValues: number[];
  /** The mean of s²: the mean squared singular value, (1/min(n_0, n))·‖J‖²_F per trial, averaged. */
  meanSquare: number;
  /** Over every trial's values: the extremes and the 5 % and 95 % quantiles (numpy's linear rule). */
  min: number;
  max: number;
  p5: number;
  p95: number;
}

export function spectrumOf(row: number, perTrial: ArrayLike<number>[]): JacobianSpectrum {
  const singularValues = perTrial.flatMap((values) => Array.from(values));
  const sorted = [...singularValues].sort((a, b) => a - b);
  return {
    row,
    singularValues,
    meanSquare: singularValues.reduce((sum, s) => sum + s * s, 0) / singularValues.length,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    p5: quantileOfSorted(sorted, 0.05),
    p95: quantileOfSorted(sorted, 0.95),
  };
}

/**
 * How far a spectrum is from a reference: the largest |s_i − s_i(reference)|, value for value in the same order,
 * relative to the reference's largest value — the scale a float32 J's errors have. Infinity when they do not pair up.
 */
export function spectrumDifference(
  candidate: JacobianSpectrum | undefined,
  reference: JacobianSpectrum,
  /** Compare only the first values (the first trial's, when the reference ran one trial). */
  count = reference.singularValues.length,
): number {
  const [c, r] = [candidate?.singularValues.slice(0, count) ?? [], reference.singularValues.slice(0, count)];
  if (c.length !== r.length) return Infinity;
  let worst = 0;
  r.forEach((s, i) => {
    worst = Math.max(worst, Math.abs(c[i] - s));
  });
  if (worst === 0) return 0;
  const largest = Math.max(...r);
  return largest > 0 ? worst / largest : Infinity;
}
