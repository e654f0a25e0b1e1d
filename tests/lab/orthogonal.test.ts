import { describe, expect, it } from 'vitest';
import { distributionVariance, weightDistribution } from '../../src/lab/initializers';
import { orthogonalWeights, transpose } from '../../src/lab/orthogonal';
import { sampleWeights } from '../../src/lab/sampling';

const address = { seed: 3, series: 0, trial: 0, layer: 2 };

/** The Gram matrix of the smaller side: W·Wᵀ when fanIn ≤ fanOut (rows orthonormal), else Wᵀ·W. */
function smallerGram(w: ArrayLike<number>, fanIn: number, fanOut: number): Float64Array {
  const rowsSide = fanIn <= fanOut;
  const k = Math.min(fanIn, fanOut),
    len = Math.max(fanIn, fanOut);
  const at = (a: number, t: number) => (rowsSide ? w[a * fanOut + t] : w[t * fanOut + a]);
  const gram = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      let dot = 0;
      for (let t = 0; t < len; t++) dot += at(a, t) * at(b, t);
      gram[a * k + b] = dot;
    }
  return gram;
}

function largestGramError(w: ArrayLike<number>, fanIn: number, fanOut: number, gain: number): number {
  const k = Math.min(fanIn, fanOut);
  const gram = smallerGram(w, fanIn, fanOut);
  let worst = 0;
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) worst = Math.max(worst, Math.abs(gram[a * k + b] - (a === b ? gain * gain : 0)));
  return worst;
}

describe('orthogonal initializer', () => {
  it.each([
    [10, 10],
    [5, 40],
    [40, 5],
    [64, 64],
  ])('a %i × %i weight has W·Wᵀ = gain²·I on its smaller side, to float64 rounding', (fanIn, fanOut) => {
    const gain = 1.7;
    const w = sampleWeights(weightDistribution({ kind: 'orthogonal', gain }, fanIn, fanOut), address, fanIn, fanOut);
    // Householder QR is backward stable: ‖QᵀQ − I‖ ≈ c·n·ε with c small; 64·2.2e-16·gain² ≈ 4e-14 is the bound used.
    expect(largestGramError(w, fanIn, fanOut, gain)).toBeLessThan(64 * 2.2e-16 * gain * gain);
  });

  it('rounded to float32 for the GPU, the Gram matrix stays within (2u + u²)·gain² of gain²·I, u = 2^-24', () => {
    const gain = 1.7,
      n = 48;
    const w32 = Float32Array.from(sampleWeights(weightDistribution({ kind: 'orthogonal', gain }, n, n), address, n, n));
    // Each element moves by at most u relative, so by Cauchy–Schwarz |Δ(w_a·w_b)| ≤ (2u + u²)·‖w_a‖‖w_b‖ = (2u + u²)·gain²;
    // the f64 sum and f64 QR add < 1e-13, far below that (u·gain² ≈ 1.7e-7).
    const u = 2 ** -24;
    expect(largestGramError(w32, n, n, gain)).toBeLessThan((2 * u + u * u) * gain * gain + 1e-13);
  });

  it('follows torch.nn.init.orthogonal_ on the transposed [fan_out × fan_in] weight, checked against numpy.linalg.qr', () => {
    // Expected: numpy's QR of the same Gaussian, seen as torch's [fan_out × fan_in] weight, Q·sign(diag R), transposed
    // when rows < cols, times gain 1.5 (the code of orthogonal_ replayed in numpy). Float rounding: 1e-13.
    const gaussian = Float64Array.from([
      0.3, -1.2, 0.5, 2.0, -0.7, 1.1, 0.4, -0.9, 0.2, 1.5, -0.6, 0.8, 1.3, -1.4, 0.1,
    ]);
    const wide = [
      [0.17971268936194607, -0.7188507574477845, 0.2995211489365769, 1.1980845957463075, -0.4193296085112076],
      [0.8467989928016997, 0.11737807821013672, -0.5843285679151442, 0.4371401841278302, 0.9932886975520486],
      [0.23214611284899, 0.2908602499501305, 1.341925873620511, -0.0006820963649780062, 0.5574432542783427],
    ].flat();
    const w = orthogonalWeights(gaussian, 3, 5).map((x) => 1.5 * x);
    w.forEach((x, i) => {
      expect(Math.abs(x - wide[i])).toBeLessThan(1e-13);
    });
    // The tall case [5 × 3] of the transposed Gaussian gives the transposed weight.
    const tall = orthogonalWeights(transpose(gaussian, 3, 5), 5, 3).map((x) => 1.5 * x);
    transpose(Float64Array.from(wide), 3, 5).forEach((x, i) => {
      expect(Math.abs(tall[i] - x)).toBeLessThan(1e-13);
    });
  });

  it('keeps every input direction when n_in ≤ n_out (‖h·W‖ = gain·‖h‖), and sends some to 0 when n_in > n_out', () => {
    const gain = 1.3;
    const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
    const times = (h: number[], w: Float64Array, fanOut: number) =>
      Array.from({ length: fanOut }, (_, j) => h.reduce((s, x, i) => s + x * w[i * fanOut + j], 0));
    const wide = sampleWeights(weightDistribution({ kind: 'orthogonal', gain }, 4, 9), address, 4, 9);
    for (const h of [
      [1, 0, 0, 0],
      [0.3, -2, 1, 0.5],
      [0, 0, 0, 1],
    ]) {
      // Rows orthonormal up to QR's rounding (see above): 1e-13 relative.
      expect(Math.abs(norm(times(h, wide, 9)) - gain * norm(h)) / norm(h)).toBeLessThan(1e-13);
    }
    // Tall: WᵀW = gain²·I on 4 columns, so the 9 − 4 directions orthogonal to them map to 0.
    const tall = sampleWeights(weightDistribution({ kind: 'orthogonal', gain }, 9, 4), address, 9, 4);
    const images = Array.from({ length: 9 }, (_, i) =>
      norm(
        times(
          Array.from({ length: 9 }, (_, k) => (k === i ? 1 : 0)),
          tall,
          4,
        ),
      ),
    );
    // The unit vectors' images have Σ‖e_i·W‖² = ‖W‖² = 4·gain² < 9·gain²: some input direction shrinks.
    expect(Math.min(...images)).toBeLessThan(gain * (1 - 1e-3));
  });

  it('has element variance gain²/max(n_in, n_out), the mean of W² over the matrix exactly', () => {
    const dist = weightDistribution({ kind: 'orthogonal', gain: 2 }, 30, 12);
    expect(distributionVariance(dist)).toBeCloseTo(4 / 30, 15);
    const w = sampleWeights(dist, address, 30, 12);
    // Σ W² = gain²·min(n_in, n_out) exactly for a semi-orthogonal W; float rounding only.
    expect(w.reduce((s, x) => s + x * x, 0) / w.length).toBeCloseTo(4 / 30, 13);
  });
});
