/**
 * The sentences of the sections beyond one input's variance, computed from the mean field (meanField.ts, phase.ts)
 * and the measured spectra: plain functions, tested like any other computation.
 */
import type { BoundActivation } from '../lab/activations';
import type { JacobianSpectrum } from '../lab/jacobian';
import { chi1, chiC, correlationFixedPoint, depthScale, lengthFixedPoint } from '../lab/meanField';
import { formatNumber } from './format';

const figure = (x: number) => formatNumber(x, 3);
/** χ₁ within this of 1 is the edge itself: the page's critical σ_w is rounded to four digits. */
const EDGE = 1e-3;

/** One series of the correlation figure: its χ₁, and where its pairs go and how fast (q*, c*, ξ_c). */
export function correlationSentence(phi: BoundActivation, sigmaW: number, sigmaB: number): string {
  const point = { phi, sigmaW, sigmaB };
  const qStar = lengthFixedPoint(point, sigmaW ** 2 + sigmaB ** 2);
  const slope = chi1(point, qStar);
  const start = `σ_w = ${formatNumber(sigmaW, 4)} (q* = ${figure(qStar)}): χ₁ = ${figure(slope)}`;
  if (Math.abs(slope - 1) < EDGE)
    return `${start}, the edge of chaos: c creeps towards 1 more slowly than any exponential (ξ_c = ∞).`;
  const cStar = correlationFixedPoint(point, qStar);
  const depth = depthScale(chiC(point, qStar, cStar));
  return slope < 1
    ? `${start} < 1, ordered: every pair is drawn to c = 1, its distance from 1 shrinking e-fold every ξ_c = ${figure(depth)} layers.`
    : `${start} > 1, chaotic: pairs are pulled apart to c* = ${figure(cStar)}, e-fold closer every ξ_c = ${figure(depth)} layers.`;
}

/**
 * Below this fraction of J's largest singular value an engine cannot tell a singular value from 0: J's entries carry
 * rounding of ~1e-7 (float32) or ~1e-16 (float64) of its scale, which moves a singular value by up to ~√n times that
 * (n ≤ 1024): 1e-5 and 1e-12 leave room. A ReLU's off units make true zeros; deep Gaussian networks, tiny true values.
 */
export const RESOLUTION = { gpu: 1e-5, cpu: 1e-12 } as const;

/** The values an engine resolves, and how many it does not. */
export function resolvedValues(spectrum: JacobianSpectrum, engine: 'cpu' | 'gpu'): { values: number[]; below: number } {
  const values = spectrum.singularValues.filter((s) => s >= RESOLUTION[engine] * spectrum.max);
  return { values, below: spectrum.singularValues.length - values.length };
}

/** One spectrum in words: its mean square, its spread, and how many values are below the engine's resolution. */
export function spectrumSentence(label: string, spectrum: JacobianSpectrum, engine: 'cpu' | 'gpu'): string {
  const { below } = resolvedValues(spectrum, engine);
  const resolved = spectrum.p5 >= RESOLUTION[engine] * spectrum.max;
  const spread = resolved
    ? `p95/p5 = ${figure(spectrum.p95 / spectrum.p5)}`
    : `p5 below ${RESOLUTION[engine]} of the largest`;
  const unresolved = below
    ? `; ${below} of ${spectrum.singularValues.length} are 0 within ${engine === 'gpu' ? 'float32' : 'float64'}`
    : '';
  return `${label}: mean s² = ${figure(spectrum.meanSquare)}, ${spread}${unresolved}.`;
}
