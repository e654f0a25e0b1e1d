import { describe, expect, it } from 'vitest';
import { float64Flags, heldInF32, ldexp, rmsExponent, splitScale, toTrueScale } from '../../src/gpu/scale';

describe('exact power-of-two scaling', () => {
  it('splits any scale into a mantissa in [0.5, 1) and an exponent, exactly', () => {
    for (const scale of [1e-5, 1e-3, 0.5, 1, 2, 3, 1e6, -0.25, 2 ** -1000, 5e-324, 1.7e308]) {
      const { mantissa, exponent } = splitScale(scale);
      expect(Math.abs(mantissa)).toBeGreaterThanOrEqual(0.5);
      expect(Math.abs(mantissa)).toBeLessThan(1);
      expect(ldexp(mantissa, exponent)).toBe(scale);
    }
    expect(splitScale(0)).toEqual({ mantissa: 0, exponent: 0 });
  });

  it('ldexp reaches values whose power of two alone would under- or overflow', () => {
    expect(ldexp(2 ** 600, -1100)).toBe(2 ** -500);
    expect(ldexp(2 ** -600, 1100)).toBe(2 ** 500);
  });

  it('brings statistics to their true scale: the mean by 2^K, M2 by 4^K', () => {
    expect(toTrueScale({ count: 4, mean: 0.75, m2: 3 }, -245)).toEqual({
      count: 4,
      mean: 0.75 * 2 ** -245,
      m2: 3 * 2 ** -490,
    });
  });

  it('picks the exponent of the RMS, and 0 for an all-zero input', () => {
    expect(rmsExponent([1e-40, -1e-40])).toBe(Math.round(Math.log2(1e-40)));
    expect(rmsExponent([0, 0])).toBe(0);
  });

  it('knows which magnitudes float32 holds with their squares', () => {
    expect([0, 1, 2 ** -60, 2 ** 48].every(heldInF32)).toBe(true);
    expect([2 ** -61, 2 ** 49, 1e-45].some(heldInF32)).toBe(false);
  });

  it('flags a non-zero layer whose true meanSq float64 cannot hold, and never an exactly zero one', () => {
    expect(float64Flags({ mean: 0, var: 0, meanSq: 0 }, true, 'pre')).toEqual([
      { quantity: 'pre', kind: 'underflow', precision: 'float64' },
    ]);
    expect(float64Flags({ mean: 0, var: Infinity, meanSq: Infinity }, true, 'post')).toEqual([
      { quantity: 'post', kind: 'overflow', precision: 'float64' },
    ]);
    expect(float64Flags({ mean: 0, var: 0, meanSq: 0 }, false, 'pre')).toEqual([]);
  });
});
