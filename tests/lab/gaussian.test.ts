import { describe, expect, it } from 'vitest';
import { erf, erfc, gaussHermite, gaussianExpectation, normalCdf } from '../../src/lab/gaussian';

// Reference values from scipy.special.erf / erfc (Cephes, double precision).
const REFERENCE: [number, number, number][] = [
  [0.1, 0.1124629160182849, 0.8875370839817152],
  [1, 0.8427007929497148, 0.15729920705028516],
  [2.4, 0.999311486103355, 0.0006885138966450789],
  [2.6, 0.9997639655834707, 0.000236034416529349],
  [4, 0.9999999845827421, 1.541725790028002e-8],
  [5.5, 0.9999999999999927, 7.357847917974398e-15],
];

describe('erf and erfc in float64', () => {
  it.each(REFERENCE)(
    'erf(%d) and erfc agree with Cephes to 1e-13 relative, on both sides of the series/fraction switch',
    (x, e, c) => {
      // 1e-13: the series and the fraction reach ~1e-15 (measured); the margin covers Cephes' own last bits.
      expect(Math.abs(erf(x) / e - 1)).toBeLessThan(1e-13);
      expect(Math.abs(erf(-x) / -e - 1)).toBeLessThan(1e-13);
      expect(Math.abs(erfc(x) / c - 1)).toBeLessThan(1e-13);
    },
  );

  it('Φ keeps relative accuracy deep in the lower tail, where 1 + erf would cancel', () => {
    // Φ(−8) = 6.22096057427178e-16 (scipy.stats.norm.cdf); 1e-13 as above.
    expect(Math.abs(normalCdf(-8) / 6.22096057427178e-16 - 1)).toBeLessThan(1e-13);
  });
});

describe('Gauss–Hermite quadrature for z ~ N(0, 1)', () => {
  it.each([20, 40, 80])('the %d-point rule integrates 1, z² and z^(2k) up to its degree exactly', (n) => {
    const rule = gaussHermite(n);
    // Float rounding only: n positive weights summed, moments up to (2n−1)!! carry ~1e-14 relative error.
    expect(Math.abs(rule.weights.reduce((s, w) => s + w, 0) - 1)).toBeLessThan(1e-14);
    let doubleFactorial = 1;
    for (let k = 1; 2 * k < 2 * n && k <= 10; k++) {
      doubleFactorial *= 2 * k - 1;
      expect(Math.abs(gaussianExpectation((z) => z ** (2 * k), rule) / doubleFactorial - 1)).toBeLessThan(1e-12);
      expect(Math.abs(gaussianExpectation((z) => z ** (2 * k - 1), rule))).toBeLessThan(1e-12 * doubleFactorial);
    }
  });

  it('E[tanh(z)²] matches an adaptive mpmath integral to 1e-9', () => {
    // 0.394294490397841174 from mpmath.quad at 30 digits; 80 nodes resolve tanh's transition to ~1e-10.
    expect(Math.abs(gaussianExpectation((z) => Math.tanh(z) ** 2) - 0.39429449039784115)).toBeLessThan(1e-9);
  });
});
