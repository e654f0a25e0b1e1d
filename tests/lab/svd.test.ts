import { describe, expect, it } from 'vitest';
import { orthonormalColumns } from '../../src/lab/orthogonal';
import { singularValues } from '../../src/lab/svd';
import { mulberry32, standardNormals } from './randomSamples';

/** A random orthogonal n × n matrix (QR of a Gaussian one). */
const orthogonal = (n: number, seed: number) => orthonormalColumns(standardNormals(mulberry32(seed), n * n), n, n);

/** U·diag(s)·Vᵀ for orthogonal U [m × m] and V [n × n], with s on the first min(m, n) diagonal places. */
function withSingularValues(s: number[], m: number, n: number): Float64Array {
  const [u, v] = [orthogonal(m, 1), orthogonal(n, 2)];
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      s.forEach((value, k) => {
        sum += u[i * m + k] * value * v[j * n + k];
      });
      a[i * n + j] = sum;
    }
  return a;
}

/** Largest |a_i − b_i| relative to the largest b. */
const worst = (a: ArrayLike<number>, b: number[]) =>
  Math.max(...b.map((x, i) => Math.abs(a[i] - x))) / Math.max(...b.map(Math.abs));

/** ε·‖A‖ times a small multiple of the size: the accuracy Golub–Kahan promises, absolute. */
const bound = (n: number) => 50 * n * Number.EPSILON;

describe('singular values by Golub–Kahan', () => {
  it('of a diagonal matrix with mixed signs: the magnitudes, from the largest', () => {
    const a = Float64Array.from([0, 0, -2, 0, 3, 0, 1, 0, 0]);
    expect(Array.from(singularValues(a, 3, 3))).toEqual([3, 2, 1]);
    expect(Array.from(singularValues([-4], 1, 1))).toEqual([4]);
  });

  it.each([
    [40, 40],
    [60, 25],
    [25, 60],
  ])('of U·diag(s)·Vᵀ, %i × %i, with s spread over 12 decades: s to ε·‖A‖', (m, n) => {
    const k = Math.min(m, n);
    const s = Array.from({ length: k }, (_, i) => 10 ** (-12 * (i / (k - 1))));
    expect(worst(singularValues(withSingularValues(s, m, n), m, n), s)).toBeLessThan(bound(Math.max(m, n)));
  });

  it('of rank-deficient matrices: an outer product has one value, ‖u‖·‖v‖, and a zero first column costs nothing', () => {
    const u = [1, -2, 2];
    const v = [3, 4, 0, 0];
    const outer = Float64Array.from(u.flatMap((x) => v.map((y) => x * y)));
    expect(worst(singularValues(outer, 3, 4), [15, 0, 0])).toBeLessThan(bound(4));
    const zeroFirst = withSingularValues([5, 3, 1, 0], 4, 4);
    const s = singularValues(zeroFirst, 4, 4);
    expect(worst(s, [5, 3, 1, 0])).toBeLessThan(bound(4));
    const withZeroColumn = Float64Array.from([0, 1, 2, 0, 3, 4, 0, 5, 6]);
    const t = singularValues(withZeroColumn, 3, 3);
    expect(t[2]).toBeLessThan(bound(3) * t[0]);
  });

  it('of an orthogonal matrix times a gain: every value is the gain', () => {
    const q = orthogonal(64, 5).map((x) => 1.5 * x);
    const s = singularValues(q, 64, 64);
    expect(worst(s, new Array(64).fill(1.5))).toBeLessThan(bound(64));
  });

  it('of a Gaussian matrix: Σ s² = ‖A‖²_F and Π s = |det A| (by Gaussian elimination)', () => {
    const n = 30;
    const a = standardNormals(mulberry32(9), n * n);
    const s = singularValues(a, n, n);
    const frobenius = a.reduce((sum, x) => sum + x * x, 0);
    expect(s.reduce((sum, x) => sum + x * x, 0) / frobenius - 1).toBeLessThan(1e-13);
    const lu = Float64Array.from(a);
    let logDet = 0;
    for (let k = 0; k < n; k++) {
      let pivot = k;
      for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]) > Math.abs(lu[pivot * n + k])) pivot = i;
      for (let j = 0; j < n; j++) [lu[k * n + j], lu[pivot * n + j]] = [lu[pivot * n + j], lu[k * n + j]];
      logDet += Math.log(Math.abs(lu[k * n + k]));
      for (let i = k + 1; i < n; i++) {
        const factor = lu[i * n + k] / lu[k * n + k];
        for (let j = k; j < n; j++) lu[i * n + j] -= factor * lu[k * n + j];
      }
    }
    const logProduct = s.reduce((sum, x) => sum + Math.log(x), 0);
    // Both sides sum 30 logarithms, each good to ~1e-14 relative.
    expect(Math.abs(logProduct - logDet)).toBeLessThan(1e-10);
  });

  it('leaves its argument untouched', () => {
    const a = Float64Array.from([1, 2, 3, 4]);
    singularValues(a, 2, 2);
    expect(Array.from(a)).toEqual([1, 2, 3, 4]);
  });
});
