/** LayerNorm and BatchNorm without affine parameters: what they make of values, and their backward. */
import { describe, expect, it } from 'vitest';
import { normalize, normalizeBackward } from '../../src/lab/normalization';

const ROWS = 6,
  WIDTH = 7;
/** Values of every scale, so that ε matters in some groups and not in others. */
const values = (scale: number) =>
  Float64Array.from({ length: ROWS * WIDTH }, (_, i) => scale * (Math.sin(2.3 * i + 1) + 0.3 * Math.cos(5.1 * i)));

/** Mean and biased variance of the group of element indices. */
function groupMoments(v: Float64Array, indices: number[]) {
  const mean = indices.reduce((s, e) => s + v[e], 0) / indices.length;
  const variance = indices.reduce((s, e) => s + (v[e] - mean) ** 2, 0) / indices.length;
  const meanSq = indices.reduce((s, e) => s + v[e] ** 2, 0) / indices.length;
  return { mean, variance, meanSq };
}

const rowsOf = () => Array.from({ length: ROWS }, (_, r) => Array.from({ length: WIDTH }, (_, j) => r * WIDTH + j));
const columnsOf = () => Array.from({ length: WIDTH }, (_, j) => Array.from({ length: ROWS }, (_, r) => r * WIDTH + j));

describe('normalization', () => {
  const EPS = 1e-5;
  // Float64 rounding of sums of a few terms: 1e-13 relative is far above it and far below any ε effect tested.
  const ROUNDING = 1e-13;

  it.each([
    ['layer', rowsOf],
    ['batch', columnsOf],
  ] as const)('%sNorm: each group has mean 0 and second moment 1/(1 + ε/var), exactly', (kind, groups) => {
    for (const scale of [1e-4, 3e-3, 1, 1e3]) {
      const v = values(scale);
      const y = normalize(kind, v, ROWS, WIDTH, EPS).values;
      for (const group of groups()) {
        const before = groupMoments(v, group);
        const after = groupMoments(y, group);
        expect(Math.abs(after.mean)).toBeLessThan(ROUNDING);
        expect(after.meanSq / (1 / (1 + EPS / before.variance)) - 1).toBeCloseTo(0, 12);
      }
    }
  });

  it('ignores the scale of its input but for ε: N(c·v) with ε·c² is N(v) with ε', () => {
    for (const kind of ['layer', 'batch'] as const) {
      const a = normalize(kind, values(1), ROWS, WIDTH, EPS).values;
      const b = normalize(kind, values(1e-3), ROWS, WIDTH, EPS * 1e-6).values;
      a.forEach((x, e) => {
        expect(Math.abs(b[e] - x)).toBeLessThan(ROUNDING);
      });
    }
  });

  it.each(['layer', 'batch'] as const)(
    '%sNorm backward against central differences of L = Σ c ⊙ N(v) (float64)',
    (kind) => {
      // Step 1e-6 on values of order 1: truncation ≈ 1e-12, rounding ≈ 1e-16·|L|/1e-6 ≈ 1e-10; 1e-8 is above both and
      // far below a missing term (the mean or projection terms are of order 0.1 here).
      const [STEP, TOLERANCE] = [1e-6, 1e-8];
      const v = values(0.7);
      const c = values(1).map((x, e) => x + Math.cos(e));
      const loss = (w: Float64Array) =>
        normalize(kind, w, ROWS, WIDTH, EPS).values.reduce((s, y, e) => s + c[e] * y, 0);
      const gradient = normalizeBackward(kind, normalize(kind, v, ROWS, WIDTH, EPS), c, ROWS, WIDTH);
      v.forEach((_, e) => {
        const shifted = (d: number) => {
          const w = Float64Array.from(v);
          w[e] += d;
          return loss(w);
        };
        expect(Math.abs((shifted(STEP) - shifted(-STEP)) / (2 * STEP) - gradient[e])).toBeLessThan(TOLERANCE);
      });
    },
  );
});
