/** How the Jacobian spectra of two runs are compared, series by series (compare.ts gives the verdict). */
import { inputWidth } from './config';
import { spectrumDifference } from './jacobian';
import type { RunResult } from './results';

/** A series' Jacobian spectra, value for value, relative to the reference's largest value (jacobian.ts). */
export interface SpectrumComparison {
  series: number;
  label: string;
  difference: number;
  pass: boolean;
}

/**
 * The series' Jacobian spectra against the reference's, judged like captured activations: float32 entries err by
 * ~1e-6 of J's scale, and no singular value moves by more than the error's norm.
 */
export function compareSpectra(
  reference: RunResult,
  candidate: RunResult,
  firstTrial: boolean,
  tolerance: number,
): SpectrumComparison[] | undefined {
  if (!reference.series.some((s) => s.jacobian)) return undefined;
  const perTrial = Math.min(inputWidth(reference.config), reference.config.width);
  return reference.series.flatMap((s, i) => {
    if (!s.jacobian) return [];
    const count = firstTrial ? perTrial : undefined;
    const difference = spectrumDifference(candidate.series[i].jacobian, s.jacobian, count);
    return [{ series: i, label: s.label, difference, pass: difference <= tolerance }];
  });
}
