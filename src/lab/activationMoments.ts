/** One input's moments through φ: E[φ(Z)], E[φ(Z)²] and E[φ′(Z)²] for Z ~ N(mean, variance), as theory.ts uses them. */
import type { BoundActivation } from './activations';
import { gaussianExpectation, normalCdf, normalPdf, ruleFor } from './gaussian';

/** Moments of φ(Z) and E[φ'(Z)²] for Z ~ N(mean, variance). */
export interface ActivationMoments {
  mean: number;
  meanSq: number;
  derivativeMeanSq: number;
}

/**
 * Closed forms for a homogeneous φ = φ(1)·x⁺ + φ(−1)·x⁻ (x⁻ = max(−x, 0)), from the truncated-normal moments
 * E[X⁺] = μΦ(t) + σϕ(t), E[(X⁺)²] = (μ² + σ²)Φ(t) + μσϕ(t), t = μ/σ, and their mirror images; quadrature would
 * converge slowly on the kink at 0. Smooth φ: Gauss–Hermite, 80 points or 160 for a variance above 4 (gaussian.ts).
 */
export function activationMoments(phi: BoundActivation, mean: number, variance: number): ActivationMoments {
  if (variance === 0) return { mean: phi.f(mean), meanSq: phi.f(mean) ** 2, derivativeMeanSq: phi.df(mean) ** 2 };
  const sigma = Math.sqrt(variance);
  if (phi.homogeneous) {
    const up = phi.f(1),
      down = phi.f(-1);
    const t = mean / sigma,
      above = normalCdf(t),
      below = normalCdf(-t),
      density = normalPdf(t);
    const second = mean * mean + variance;
    return {
      mean: up * (mean * above + sigma * density) + down * (-mean * below + sigma * density),
      meanSq:
        up * up * (second * above + mean * sigma * density) + down * down * (second * below - mean * sigma * density),
      derivativeMeanSq: up * up * above + down * down * below,
    };
  }
  const rule = ruleFor(variance);
  return {
    mean: gaussianExpectation((z) => phi.f(mean + sigma * z), rule),
    meanSq: gaussianExpectation((z) => phi.f(mean + sigma * z) ** 2, rule),
    derivativeMeanSq: gaussianExpectation((z) => phi.df(mean + sigma * z) ** 2, rule),
  };
}
