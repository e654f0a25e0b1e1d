import { describe, expect, it } from 'vitest';
import { coordSlopes, SWEEP_DEPTH, SWEEP_STEPS, sweepConfig } from '../../bench/sweepPlan';

/** Slopes of exact powers of two are exact up to float64 rounding of the least-squares sums. */
const EXACT = 12;

describe("the width sweep's plan", () => {
  it('is one coordinate-check config over the listed widths: every step an entry, each layer’s change measured', () => {
    const config = sweepConfig([256, 512]);
    expect(config.axes.width).toEqual([256, 512]);
    expect(config.depth).toBe(SWEEP_DEPTH);
    expect(config.train).toMatchObject({ steps: SWEEP_STEPS, evalEvery: 1, coordCheck: true, batch: 256 });
  });

  it('a layer whose size grows as √width has slope ½ at its step, one that keeps its size slope 0', () => {
    const widths = [256, 1024, 4096];
    const sizes = widths.map((w) => [
      [1, 3],
      [Math.sqrt(w), 3 / w],
    ]);
    const slopes = coordSlopes(widths, sizes);
    expect(slopes[0][0]).toBeCloseTo(0, EXACT);
    expect(slopes[0][1]).toBeCloseTo(0, EXACT);
    expect(slopes[1][0]).toBeCloseTo(0.5, EXACT);
    expect(slopes[1][1]).toBeCloseTo(-1, EXACT);
  });

  it('a size that is zero or not finite at any width, or a single width, leaves no slope', () => {
    expect(coordSlopes([256, 512], [[[0]], [[1]]])[0][0]).toBeNaN();
    expect(coordSlopes([256, 512], [[[1]], [[Number.NaN]]])[0][0]).toBeNaN();
    expect(coordSlopes([256], [[[1]]])[0][0]).toBeNaN();
  });
});
