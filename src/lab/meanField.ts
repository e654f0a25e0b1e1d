/**
 * Signal propagation beyond one input's variance, in the mean field (Poole et al. 2016; Schoenholz et al. 2017):
 * weights N(0, σ_w²/n_in), biases of mean μ and variance σ_b². Over the weights, a pair of inputs' pre-activations at
 * one unit are Gaussian with mean μ and covariance S·[[1, ρ], [ρ, 1]],
 *   S = σ_w²·E[h_a²] + σ_b²,   S·ρ = σ_w²·E[h_a·h_b] + σ_b²,
 * (h the previous layer's post-activations), so a row's second moment is q = S + μ² and the pair's cosine, as the engines
 * measure it, c = (S·ρ + μ²)/q. For a zero-mean bias c = ρ, and this is Poole et al.'s c-map
 *   q·c_l = σ_w²·E[φ(u₁)φ(u₂)] + σ_b²,   u₁ = √q·z₁,   u₂ = √q·(c_{l−1}·z₁ + √(1 − c²_{l−1})·z₂).
 * At the length map's fixed point q*, χ₁ = σ_w²·E[φ′(√q*·z)²] is the c-map's slope at c = 1: c → 1 (order) for χ₁ < 1,
 * c → c* < 1 (chaos) above; ξ_c = −1/ln χ_c, χ_c = σ_w²·E[φ′(u₁)φ′(u₂)] at c*, is the depth over which c reaches c*.
 *
 * Homogeneous φ = α·x⁺ + β·x⁻ (α = φ(1), β = φ(−1), x⁻ = max(−x, 0)) at zero mean have closed forms, from the
 * arc-cosine kernel (Cho & Saul 2009) and the orthant probabilities of a Gaussian pair:
 *   E[φ(u₁)φ(u₂)] = S/(2π)·[(α² + β²)·J(ρ) + 2αβ·J(−ρ)],   J(ρ) = √(1 − ρ²) + (π − arccos ρ)·ρ,
 *   E[φ′(u₁)φ′(u₂)] = (α² + β²)·(1/4 + arcsin ρ/(2π)) − 2αβ·(1/4 − arcsin ρ/(2π)).
 * Other φ take the product Gauss–Hermite rule of theory.ts's one-dimensional moments (gaussian.ts's ruleFor), so that at
 * ρ = 1 the pair's cross moment is exactly the length map's E[φ²] and c = 1 stays a fixed point.
 */

import { activationMoments } from './activationMoments';
import type { BoundActivation } from './activations';
import { gaussianExpectation2, panelExpectation, ruleFor } from './gaussian';

/** Per unit, the second moments of a pair's post-activations: E[h_a²] (= E[h_b²]) and E[h_a·h_b]. */
export interface PairMoments {
  same: number;
  cross: number;
}

export interface BiasMoments {
  mean: number;
  variance: number;
}

const arcCosineKernel = (rho: number) => Math.sqrt(Math.max(0, 1 - rho * rho)) + (Math.PI - Math.acos(rho)) * rho;
const clampUnit = (x: number) => Math.min(1, Math.max(-1, x));

/** E[φ(μ + u₁)·φ(μ + u₂)] for (u₁, u₂) Gaussian, mean 0, variance S each, correlation ρ. */
export function pairExpectation(phi: BoundActivation, mean: number, variance: number, rho: number): number {
  if (variance === 0) return phi.f(mean) ** 2;
  if (phi.homogeneous && mean === 0) {
    const [a, b] = [phi.f(1), phi.f(-1)];
    return (variance / (2 * Math.PI)) * ((a * a + b * b) * arcCosineKernel(rho) + 2 * a * b * arcCosineKernel(-rho));
  }
  const [s, t] = [Math.sqrt(variance), Math.sqrt(Math.max(0, 1 - rho * rho))];
  return gaussianExpectation2(
    (z1, z2) => phi.f(mean + s * z1) * phi.f(mean + s * (rho * z1 + t * z2)),
    ruleFor(variance),
  );
}

/** E[φ′(u₁)·φ′(u₂)] for (u₁, u₂) Gaussian, mean 0, variance S each, correlation ρ. */
export function pairDerivativeExpectation(phi: BoundActivation, variance: number, rho: number): number {
  if (phi.homogeneous || variance === 0) {
    const [a, b] = [phi.df(1), -phi.df(-1)];
    if (variance === 0) return phi.df(0) ** 2;
    const together = 0.25 + Math.asin(clampUnit(rho)) / (2 * Math.PI);
    return (a * a + b * b) * together - 2 * a * b * (0.5 - together);
  }
  const [s, t] = [Math.sqrt(variance), Math.sqrt(Math.max(0, 1 - rho * rho))];
  return gaussianExpectation2((z1, z2) => phi.df(s * z1) * phi.df(s * (rho * z1 + t * z2)), ruleFor(variance));
}

/** One layer of a pair's mean field: its pre-activations' q, c and (S, ρ), and its post-activations' moments. */
export interface PairLayer {
  /** E[Z²] of one row, per unit. */
  q: number;
  /** The pair's cosine, (S·ρ + μ²)/q. */
  correlation: number;
  variance: number;
  rho: number;
  post: PairMoments;
}

/** From the previous layer's post-activation moments through weights of variance σ_w²/n_in and the bias. */
export function pairLayer(
  phi: BoundActivation,
  weightVariance: number,
  bias: BiasMoments,
  previous: PairMoments,
): PairLayer {
  const variance = weightVariance * previous.same + bias.variance;
  const covariance = weightVariance * previous.cross + bias.variance;
  const rho = variance > 0 ? clampUnit(covariance / variance) : 1;
  const q = variance + bias.mean ** 2;
  const correlation = q > 0 ? clampUnit((covariance + bias.mean ** 2) / q) : 1;
  const post = {
    same: activationMoments(phi, bias.mean, variance).meanSq,
    cross: pairExpectation(phi, bias.mean, variance, rho),
  };
  return { q, correlation, variance, rho, post };
}

/** A network of the phase diagram: W ~ N(0, σ_w²/n_in), b ~ N(0, σ_b²). */
export interface MeanFieldPoint {
  phi: BoundActivation;
  sigmaW: number;
  sigmaB: number;
}

const randomBias = (p: MeanFieldPoint): BiasMoments => ({ mean: 0, variance: p.sigmaB ** 2 });

/** The length map q ↦ σ_w²·E[φ(√q·z)²] + σ_b². */
export function lengthMap(p: MeanFieldPoint, q: number): number {
  return p.sigmaW ** 2 * activationMoments(p.phi, 0, q).meanSq + p.sigmaB ** 2;
}

/** Steps of the length map before its last iterate is taken as q*. */
const MAX_LENGTH_STEPS = 10_000;
/** Past this q has no finite fixed point to reach: it grows without bound. */
const UNBOUNDED = 1e150;

/**
 * q*: where the length map leads from q₁ — 0 when q vanishes, Infinity when it grows without bound. Homogeneous φ make
 * the map affine, q ↦ a·q + σ_b² with a = σ_w²·(α² + β²)/2: solved. Otherwise the map is iterated with Aitken's Δ²
 * (Steffensen's method) wherever the iterates close in monotonically, so that q* is found in a few dozen steps even
 * near the critical line, where plain iteration crawls like 1/l; to 1e-13 relative.
 */
export function lengthFixedPoint(p: MeanFieldPoint, q1: number): number {
  if (p.phi.homogeneous) {
    const slope = (p.sigmaW ** 2 * (p.phi.f(1) ** 2 + p.phi.f(-1) ** 2)) / 2;
    // σ_w² = 2 for ReLU gives a slope of 1 only up to rounding (√2² = 2.0000000000000004).
    const critical = Math.abs(slope - 1) <= 1e-12;
    if (slope < 1 && !critical) return p.sigmaB ** 2 / (1 - slope);
    return p.sigmaB === 0 && (critical || q1 === 0) ? q1 : Infinity;
  }
  let q = q1;
  for (let i = 0; i < MAX_LENGTH_STEPS; i++) {
    const a = lengthMap(p, q);
    const b = lengthMap(p, a);
    if (!(b < UNBOUNDED)) return Infinity;
    if (b <= 1e-30 * q1) return 0;
    const [first, second] = [a - q, b - a];
    if (Math.abs(second) <= 1e-13 * b) return b;
    const closing = first * second > 0 && Math.abs(second) < Math.abs(first);
    const extrapolated = closing ? q - (first * first) / (second - first) : b;
    // Closing in on a point at or below 0 means vanishing (q ≥ 0 always; it reaches 0 only when σ_b = 0).
    if (extrapolated <= 0) return p.sigmaB === 0 ? 0 : b;
    q = extrapolated;
  }
  return q;
}

/** χ₁ = σ_w²·E[φ′(√q·z)²], by panels fine enough for φ′'s width 1/√q. */
export function chi1(p: MeanFieldPoint, q: number): number {
  if (p.phi.homogeneous || q === 0) return p.sigmaW ** 2 * activationMoments(p.phi, 0, q).derivativeMeanSq;
  const s = Math.sqrt(q);
  return p.sigmaW ** 2 * panelExpectation((z) => p.phi.df(s * z) ** 2, 1 / s);
}

/**
 * The c-map at fixed q: c ↦ (σ_w²·E[φ(u₁)φ(u₂)] + σ_b²)/q', the pair's pre-activations of variance q, q' the length
 * map's image of q (q itself at q*), so that c = 1 stays a fixed point wherever q is.
 */
export function correlationMap(p: MeanFieldPoint, q: number, c: number): number {
  const post = activationMoments(p.phi, 0, q).meanSq;
  const length = p.sigmaW ** 2 * post + p.sigmaB ** 2;
  return length > 0 ? clampUnit((p.sigmaW ** 2 * pairExpectation(p.phi, 0, q, c) + p.sigmaB ** 2) / length) : 1;
}

/** Iterations of the c-map before its last iterate is taken as c*. */
const MAX_CORRELATION_ITERATIONS = 2000;

/** c*: where the c-map at q leads from c = 0 (1 in the ordered phase), to 1e-12. */
export function correlationFixedPoint(p: MeanFieldPoint, q: number): number {
  let c = 0;
  for (let i = 0; i < MAX_CORRELATION_ITERATIONS; i++) {
    const next = correlationMap(p, q, c);
    // Near c = 1 the steps shrink with 1 − c itself: a fixed point within 1e-9 of 1 is c = 1.
    if (Math.abs(next - c) <= 1e-12) return next > 1 - 1e-9 ? 1 : next;
    c = next;
  }
  return c;
}

/** χ_c = σ_w²·E[φ′(u₁)φ′(u₂)] at variance q and correlation c (χ₁ at c = 1). */
export function chiC(p: MeanFieldPoint, q: number, c: number): number {
  return c >= 1 ? chi1(p, q) : p.sigmaW ** 2 * pairDerivativeExpectation(p.phi, q, c);
}

/** ξ = −1/ln χ: the depth over which a deviation shrinks by e; Infinity at χ ≥ 1 (no exponential approach). */
export function depthScale(chi: number): number {
  return chi < 1 ? -1 / Math.log(chi) : Infinity;
}

/** q_l and c_l, l = 1..depth, of a pair entering with post-activation moments `input` (for N(0, 1) pairs: 1 and c₀). */
export function pairPropagation(p: MeanFieldPoint, input: PairMoments, depth: number): { q: number[]; c: number[] } {
  const q: number[] = [];
  const c: number[] = [];
  let moments = input;
  for (let l = 0; l < depth; l++) {
    const layer = pairLayer(p.phi, p.sigmaW ** 2, randomBias(p), moments);
    q.push(layer.q);
    c.push(layer.correlation);
    moments = layer.post;
  }
  return { q, c };
}
