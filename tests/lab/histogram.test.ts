import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { defaultConfig, type ExperimentConfig } from '../../src/lab/config';
import { autoHistogram, binIndex, binRule, dataRange, histogram } from '../../src/lab/histogram';
import { weightDistribution } from '../../src/lab/initializers';
import { TRUNCATION_BOUND } from '../../src/lab/sampling';

const total = (h: { counts: number[]; below: number; above: number; nan: number }) =>
  h.counts.reduce((s, c) => s + c, 0) + h.below + h.above + h.nan;

describe('the bin rule', () => {
  it('puts lo in bin 0, hi in the last bin, an interior edge in the bin above it, and the rest apart', () => {
    const rule = binRule(-1, 1, 4);
    expect([-1, -0.5, -0.5000001, 0, 0.999, 1].map((x) => binIndex(rule, x))).toEqual([0, 1, 0, 2, 3, 3]);
    expect([-1.0001, -Infinity].map((x) => binIndex(rule, x))).toEqual([-1, -1]);
    expect([1.0001, Infinity].map((x) => binIndex(rule, x))).toEqual([4, 4]);
    expect(binIndex(rule, NaN)).toBeNaN();
  });

  it('counts sum to the number of values, out-of-range and NaN included', () => {
    const values = [-3, -1, -0.5, 0, 0.1, 0.9, 1, 1.5, NaN, Infinity];
    const h = histogram(values, -1, 1, 5);
    expect(h.counts).toEqual([1, 1, 2, 0, 2]);
    expect([h.below, h.above, h.nan]).toEqual([1, 2, 1]);
    expect(total(h)).toBe(values.length);
    expect(h.edges).toEqual([-1, -0.6, -0.2, 0.2, 0.6, 1].map((e) => expect.closeTo(e, 15)));
  });

  it('an automatic range holds every finite value, and a constant is widened around itself', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e-30);
    const h = autoHistogram(values, 16);
    expect([h.below, h.above, h.nan]).toEqual([0, 0, 0]);
    expect(total(h)).toBe(1000);
    expect(dataRange([3, 3, NaN])).toEqual({ lo: 1.5, hi: 4.5 });
    expect(dataRange([0, 0])).toEqual({ lo: -0.5, hi: 0.5 });
    expect(dataRange([NaN])).toEqual({ lo: 0, hi: 1 });
  });

  it('refuses an empty range or a non-integer bin count', () => {
    expect(() => binRule(1, 1, 4)).toThrow(RangeError);
    expect(() => binRule(0, 1, 2.5)).toThrow(RangeError);
  });
});

describe('CpuEngine histograms', () => {
  const config: ExperimentConfig = {
    ...defaultConfig(),
    depth: 3,
    width: 12,
    trials: 2,
    input: { distribution: 'normal', batch: 7, width: 5 },
    sweep: [{ kind: 'he-trunc-normal' }, { kind: 'orthogonal' }],
  };

  it('per layer, the counts of Z, H and ∂L/∂Z sum to rows × width and those of W and ∂L/∂W to n_in × width', async () => {
    const result = await new CpuEngine().run(config, { backward: true, histogramBins: 20 });
    for (const series of result.series) {
      expect(series.histograms).toHaveLength(3);
      series.histograms!.forEach((h, l) => {
        const fanIn = l === 0 ? 5 : 12;
        for (const q of [h.pre, h.post, h.grad!]) expect(total(q)).toBe(7 * 12);
        for (const q of [h.weights, h.weightGrad!]) expect(total(q)).toBe(fanIn * 12);
        expect(h.pre.counts).toHaveLength(20);
      });
    }
  });

  it('the truncated normal weight histogram stays inside ±2·stddev', async () => {
    const result = await new CpuEngine().run(config, { histogramBins: 8 });
    const [first] = result.series[0].histograms!;
    const bound = TRUNCATION_BOUND * weightDistribution({ kind: 'he-trunc-normal' }, 5, 12).scale;
    expect(first.weights.lo).toBeGreaterThanOrEqual(-bound);
    expect(first.weights.hi).toBeLessThanOrEqual(bound);
    expect(first.grad).toBeUndefined();
  });
});
