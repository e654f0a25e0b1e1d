import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { defaultConfig } from '../../src/lab/config';
import { type Moments, quantileOfSorted, summarizeTrials } from '../../src/lab/stats';
import { fractionWhere, simulateReluNetworks } from '../reluNetworks';

const moments = (x: number): Moments => ({ mean: x, var: x, meanSq: x });

describe('quantiles over trials', () => {
  it("equal numpy's default (linear) quantiles on known cases", () => {
    // np.quantile([1, 2, 3, 4], [0.1, 0.5, 0.9]) → [1.3, 2.5, 3.7]; np.quantile([3, 1, 2, 10, 7], ...) → [1.4, 3, 8.8].
    const four = summarizeTrials([4, 1, 3, 2].map(moments));
    expect([four.p10.var, four.median.var, four.p90.var]).toEqual([1.3, 2.5, 3.7].map((v) => expect.closeTo(v, 12)));
    const five = summarizeTrials([3, 1, 2, 10, 7].map(moments));
    expect([five.p10.mean, five.median.mean, five.p90.mean]).toEqual([1.4, 3, 8.8].map((v) => expect.closeTo(v, 12)));
  });

  it('with one trial, every quantile, the extremes and the mean are that trial', () => {
    const one = summarizeTrials([{ mean: 1, var: 2, meanSq: 3 }]);
    for (const m of [one.min, one.max, one.median, one.p10, one.p90]) expect(m).toEqual({ mean: 1, var: 2, meanSq: 3 });
  });

  it('takes each figure over the trials on its own, like min and max', () => {
    const s = summarizeTrials([
      { mean: 5, var: 1, meanSq: 26 },
      { mean: 1, var: 9, meanSq: 10 },
      { mean: 3, var: 4, meanSq: 13 },
    ]);
    expect(s.median).toEqual({ mean: 3, var: 4, meanSq: 13 });
    expect(s.min).toEqual({ mean: 1, var: 1, meanSq: 10 });
  });

  it('keeps infinities where neighbours are equal and answers NaN when a trial is NaN', () => {
    expect(quantileOfSorted([1, Infinity, Infinity], 0.9)).toBe(Infinity);
    expect(quantileOfSorted([-Infinity, -Infinity, 0], 0.1)).toBe(-Infinity);
    expect(summarizeTrials([1, NaN, 3].map(moments)).median.var).toBeNaN();
  });

  it('lie in order between the extremes and match interpolation on the points (k/(N−1), x₍ₖ₎)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }), (xs) => {
        const s = summarizeTrials(xs.map(moments));
        expect(s.min.var).toBeLessThanOrEqual(s.p10.var);
        expect(s.p10.var).toBeLessThanOrEqual(s.median.var);
        expect(s.median.var).toBeLessThanOrEqual(s.p90.var);
        expect(s.p90.var).toBeLessThanOrEqual(s.max.var);
        const sorted = [...xs].sort((a, b) => a - b);
        for (const [p, q] of [
          [0.1, s.p10.var],
          [0.5, s.median.var],
          [0.9, s.p90.var],
        ]) {
          // The empirical quantile function drawn as straight lines between its points, read at p.
          const last = sorted.length - 1;
          const k = Math.min(Math.floor(p * last), Math.max(last - 1, 0));
          const t = last === 0 ? 0 : p * last - k;
          const expected = last === 0 ? sorted[0] : sorted[k] * (1 - t) + sorted[k + 1] * t;
          expect(q).toBeCloseTo(expected, 6);
        }
      }),
    );
  });
});

describe("the engines' quantiles over trials", () => {
  /**
   * A sample quantile's error is distribution-free in probability: at level p its empirical-CDF position has standard
   * deviation √(p(1−p)/N). Comparing two independent samples, N_engine and N_mc, four such deviations of the combined
   * spread leave a false failure below 1e-4 per comparison; a wrong quantile (p10 for p90, a mean) misses by far more.
   */
  const DEVIATIONS = 4;
  const TRIALS = 400;
  const NETWORKS = 20_000;

  it('put Var(Z_l) of σ = 0.5 networks at the quantiles of an independent Monte-Carlo, layer by layer', async () => {
    const config = { ...defaultConfig(), trials: TRIALS, sweep: [{ kind: 'normal' as const, sigma: 0.5 }] };
    const [series] = (await new CpuEngine().run(config)).series;
    const mc = simulateReluNetworks({
      input: [1, 2, 3, 4, 5],
      width: 10,
      depth: 8,
      networks: NETWORKS,
      seed: 15,
      weightStd: () => 0.5,
    });
    series.layers.forEach((layer, l) => {
      for (const [p, value] of [
        [0.1, layer.pre.p10.var],
        [0.5, layer.pre.median.var],
        [0.9, layer.pre.p90.var],
      ]) {
        const position = fractionWhere(mc.preVar[l], (v) => v <= value);
        const spread = DEVIATIONS * Math.sqrt(p * (1 - p) * (1 / TRIALS + 1 / NETWORKS));
        expect(Math.abs(position - p), `layer ${l + 1}, p = ${p}`).toBeLessThanOrEqual(spread);
      }
    });
  });
});
