import { describe, expect, it } from 'vitest';
import { type ActivationName, bindActivation } from '../../src/lab/activations';
import { panelExpectation } from '../../src/lab/gaussian';
import {
  chi1,
  chiC,
  correlationFixedPoint,
  correlationMap,
  depthScale,
  lengthFixedPoint,
  lengthMap,
  type MeanFieldPoint,
  pairDerivativeExpectation,
  pairExpectation,
  pairPropagation,
} from '../../src/lab/meanField';
import { mulberry32, standardNormals } from './randomSamples';

const phi = (name: ActivationName, slope = 0.2) => bindActivation(name, { slope });
const point = (name: ActivationName, sigmaW: number, sigmaB: number): MeanFieldPoint => ({
  phi: phi(name),
  sigmaW,
  sigmaB,
});

/**
 * An independent reference for smooth integrands: Gauss–Legendre panels nested, each as fine as its integrand's
 * sharpest feature (φ(√q·z) changes over 1/√q in z₁, and over 1/(√q·√(1 − ρ²)) in z₂); accurate to ~1e-12.
 */
function nested(f: (u1: number, u2: number) => number, variance: number, rho: number): number {
  const [s, t] = [Math.sqrt(variance), Math.sqrt(1 - rho * rho)];
  return panelExpectation(
    (z1) => panelExpectation((z2) => f(s * z1, s * (rho * z1 + t * z2)), 1 / (s * Math.max(t, 0.05))),
    1 / s,
  );
}

/** E[g(u₁, u₂)] by Monte Carlo over n pairs, with its standard error. */
function monteCarlo(g: (u1: number, u2: number) => number, variance: number, rho: number, n = 400_000) {
  const z = standardNormals(mulberry32(7), 2 * n);
  const s = Math.sqrt(variance);
  let sum = 0,
    sumSq = 0;
  for (let i = 0; i < n; i++) {
    const u1 = s * z[2 * i];
    const u2 = s * (rho * z[2 * i] + Math.sqrt(1 - rho * rho) * z[2 * i + 1]);
    const x = g(u1, u2);
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  return { mean, standardError: Math.sqrt((sumSq / n - mean * mean) / n) };
}

describe('the two-dimensional Gaussian expectations of the c-map', () => {
  it.each([
    [1, 1e-9],
    [4, 1.1e-5],
    [9, 1e-5],
    [16, 1.5e-4],
  ])(
    'tanh at variance %i: Gauss–Hermite (80 points up to 4, 160 above) is within %f of nested panels',
    (variance, bound) => {
      // The bounds are the rule's own accuracy, measured: the 160-point rule still under-resolves tanh(4z) a little.
      const tanh = phi('tanh');
      for (const rho of [0.3, 0.9, 0.99]) {
        const reference = nested((a, b) => Math.tanh(a) * Math.tanh(b), variance, rho);
        expect(Math.abs(pairExpectation(tanh, 0, variance, rho) - reference), `ρ = ${rho}`).toBeLessThan(bound);
      }
    },
  );

  it('homogeneous φ use the arc-cosine kernel: ReLU, leaky ReLU and linear agree with Monte Carlo within 5 standard errors', () => {
    for (const name of ['relu', 'leaky-relu', 'linear'] as const) {
      const f = phi(name);
      for (const rho of [-0.7, 0, 0.5, 0.95]) {
        const mc = monteCarlo((a, b) => f.f(a) * f.f(b), 2.5, rho);
        expect(Math.abs(pairExpectation(f, 0, 2.5, rho) - mc.mean), `${name} ρ = ${rho}`).toBeLessThan(
          5 * mc.standardError,
        );
      }
    }
    // The kernel's ends: independent halves at ρ = 0, the second moment at ρ = 1, one always off at ρ = −1.
    expect(pairExpectation(phi('relu'), 0, 3, 0)).toBeCloseTo(3 / (2 * Math.PI), 14);
    expect(pairExpectation(phi('relu'), 0, 3, 1)).toBeCloseTo(1.5, 14);
    expect(pairExpectation(phi('relu'), 0, 3, -1)).toBeCloseTo(0, 14);
    expect(pairExpectation(phi('linear'), 0, 3, 0.4)).toBeCloseTo(1.2, 14);
  });

  it('E[φ′(u₁)φ′(u₂)]: Sheppard’s orthant formula for ReLU and leaky ReLU, nested panels for tanh', () => {
    for (const name of ['relu', 'leaky-relu'] as const) {
      const f = phi(name);
      for (const rho of [-0.5, 0.2, 0.9]) {
        const mc = monteCarlo((a, b) => f.df(a) * f.df(b), 1, rho);
        expect(Math.abs(pairDerivativeExpectation(f, 1, rho) - mc.mean)).toBeLessThan(5 * mc.standardError);
      }
    }
    expect(pairDerivativeExpectation(phi('linear'), 2, 0.3)).toBe(1);
    const tanh = phi('tanh');
    const reference = nested((a, b) => tanh.df(a) * tanh.df(b), 2, 0.6);
    expect(Math.abs(pairDerivativeExpectation(tanh, 2, 0.6) - reference)).toBeLessThan(1e-6);
  });
});

describe('the one-dimensional expectations of χ₁', () => {
  it.each([1, 16, 100])(
    'E[tanh′(√q·z)²] at q = %i by Gauss–Legendre panels is within 1e-12 of a 400 000-step Simpson rule',
    (q) => {
      const s = Math.sqrt(q);
      const f = (z: number) => (1 - Math.tanh(s * z) ** 2) ** 2;
      const [steps, a, b] = [400_000, -12, 12];
      const h = (b - a) / steps;
      let simpson = 0;
      for (let i = 0; i <= steps; i++) {
        const z = a + i * h;
        simpson += (i === 0 || i === steps ? 1 : i % 2 ? 4 : 2) * f(z) * Math.exp((-z * z) / 2);
      }
      simpson *= h / 3 / Math.sqrt(2 * Math.PI);
      // Simpson's own error at this step is below 1e-15 for integrands this smooth; the panels' is what is measured.
      expect(Math.abs(panelExpectation(f, 1 / s) - simpson)).toBeLessThan(1e-12);
      expect(chi1(point('tanh', 1, 0), q)).toBeCloseTo(simpson, 12);
    },
  );
});

describe('the c-map against closed forms', () => {
  it('ReLU under He (σ_w² = 2, σ_b = 0) maps c to (√(1 − c²) + (π − arccos c)·c)/π at any q', () => {
    const he = point('relu', Math.SQRT2, 0);
    for (const q of [0.01, 1, 300])
      for (const c of [-0.9, -0.2, 0, 0.3, 0.8, 0.999]) {
        const closed = (Math.sqrt(1 - c * c) + (Math.PI - Math.acos(c)) * c) / Math.PI;
        expect(correlationMap(he, q, c)).toBeCloseTo(closed, 13);
      }
  });

  it('linear networks are exact: c ↦ (σ_w²·q·c + σ_b²)/(σ_w²·q + σ_b²), q* = σ_b²/(1 − σ_w²)', () => {
    const linear = point('linear', 0.9, 0.3);
    expect(correlationMap(linear, 2, 0.25)).toBeCloseTo((0.81 * 2 * 0.25 + 0.09) / (0.81 * 2 + 0.09), 14);
    expect(lengthFixedPoint(linear, 5)).toBeCloseTo(0.09 / (1 - 0.81), 14);
    expect(chi1(linear, 1)).toBeCloseTo(0.81, 14);
  });

  it('tanh agrees with a Monte Carlo of the pre-activations within 5 standard errors', () => {
    const p = point('tanh', 1.7, 0.4);
    const q = 1.3;
    const mc = monteCarlo((a, b) => Math.tanh(a) * Math.tanh(b), q, 0.6);
    const length = lengthMap(p, q);
    const expected = (p.sigmaW ** 2 * mc.mean + p.sigmaB ** 2) / length;
    expect(Math.abs(correlationMap(p, q, 0.6) - expected)).toBeLessThan(
      (5 * p.sigmaW ** 2 * mc.standardError) / length,
    );
  });
});

describe('q*, χ₁, c* and ξ_c', () => {
  it('tanh, σ_w = 2.5, σ_b = 0.1 (chaotic): q* ≈ 3.97, χ₁ ≈ 1.60, c* ≈ 0.015, checked against nested panels', () => {
    const p = point('tanh', 2.5, 0.1);
    const qStar = lengthFixedPoint(p, 1);
    // An independent fixed point of q = σ_w²·E[tanh(√q·z)²] + σ_b² by the panels, to compare digits with.
    let q = 1;
    for (let i = 0; i < 200; i++) {
      const s = Math.sqrt(q);
      q = 6.25 * panelExpectation((z) => Math.tanh(s * z) ** 2, 1 / s) + 0.01;
    }
    // Gauss–Hermite's 80 points at q ≈ 4 are good to ~2e-5 on E[tanh²], so q* to ~1e-4.
    expect(Math.abs(qStar - q)).toBeLessThan(2e-4);
    expect(qStar).toBeCloseTo(3.97, 2);
    expect(chi1(p, qStar)).toBeCloseTo(1.6, 2);
    const cStar = correlationFixedPoint(p, qStar);
    expect(cStar).toBeCloseTo(0.015, 3);
    const chi = chiC(p, qStar, cStar);
    expect(chi).toBeLessThan(1);
    expect(depthScale(chi)).toBeGreaterThan(0);
  });

  it('tanh, σ_w = 0.8, σ_b = 0.1 (ordered): χ₁ ≈ 0.61 and every pair ends at c = 1', () => {
    const p = point('tanh', 0.8, 0.1);
    const qStar = lengthFixedPoint(p, 1);
    expect(chi1(p, qStar)).toBeCloseTo(0.61, 2);
    expect(correlationFixedPoint(p, qStar)).toBe(1);
  });

  it('ξ_c is the depth of the approach: 1 − c_l shrinks by χ₁ a layer (ordered), |c_l − c*| by χ_c (chaotic)', () => {
    const ordered = point('tanh', 0.8, 0.1);
    const qOrdered = lengthFixedPoint(ordered, 1);
    let c = 0.5;
    const gaps: number[] = [];
    for (let l = 0; l < 30; l++) {
      c = correlationMap(ordered, qOrdered, c);
      gaps.push(1 - c);
    }
    expect(gaps[29] / gaps[28]).toBeCloseTo(chi1(ordered, qOrdered), 4);
    expect(depthScale(chi1(ordered, qOrdered))).toBeCloseTo(-1 / Math.log(chi1(ordered, qOrdered)), 14);

    const chaotic = point('tanh', 2.5, 0.1);
    const qChaos = lengthFixedPoint(chaotic, 1);
    const cStar = correlationFixedPoint(chaotic, qChaos);
    c = 0.9;
    const distances: number[] = [];
    for (let l = 0; l < 30; l++) {
      c = correlationMap(chaotic, qChaos, c);
      distances.push(Math.abs(c - cStar));
    }
    // The ratio reaches χ_c from above as the map's curvature fades: within 1e-4 by layer 30.
    expect(distances[29] / distances[28]).toBeCloseTo(chiC(chaotic, qChaos, cStar), 3);
  });

  it('the length map’s limit: 0 below tanh’s critical σ_w at σ_b = 0, the input’s q for ReLU at σ_w² = 2, ∞ above', () => {
    expect(lengthFixedPoint(point('tanh', 0.9, 0), 1)).toBe(0);
    expect(lengthFixedPoint(point('relu', Math.SQRT2, 0), 1.7)).toBe(1.7);
    expect(lengthFixedPoint(point('relu', 1.5, 0.1), 1)).toBe(Infinity);
    expect(lengthFixedPoint(point('relu', 1, 0.5), 1)).toBeCloseTo(0.25 / (1 - 0.5), 14);
    // ReLU's χ₁ = σ_w²/2 whatever q: the boundary χ₁ = 1 is σ_w² = 2, He initialization.
    expect(chi1(point('relu', Math.SQRT2, 0.3), 0.7)).toBeCloseTo(1, 14);
  });

  it('pairs of N(0, 1) rows of correlation c₀ enter with c₁ = (σ_w²·c₀ + σ_b²)/(σ_w² + σ_b²)', () => {
    const { q, c } = pairPropagation(point('tanh', 1.3, 0.2), { same: 1, cross: 0.4 }, 3);
    expect(q[0]).toBeCloseTo(1.69 + 0.04, 14);
    expect(c[0]).toBeCloseTo((1.69 * 0.4 + 0.04) / 1.73, 14);
    expect(c[2]).toBeGreaterThan(c[0]);
  });
});
