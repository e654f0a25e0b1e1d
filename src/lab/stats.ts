/**
 * Per-layer statistics: count, mean and M2 (sum of squared deviations), merged with Chan et al.'s parallel update,
 * never E[x²] − E[x]². The GPU's per-workgroup partials are merged by the same `mergeMoments`.
 */

/** The smallest normal float64: below it a value keeps fewer than 53 bits. */
export const MIN_NORMAL_F64 = 2 ** -1022;

export interface Partial {
  count: number;
  mean: number;
  m2: number;
}

/** Population statistics of one quantity at one layer: var is 1/N, as numpy's np.var. */
export interface Moments {
  mean: number;
  var: number;
  meanSq: number;
}

export const emptyPartial = (): Partial => ({ count: 0, mean: 0, m2: 0 });

/** Chan's merge of two partials. */
export function mergeMoments(a: Partial, b: Partial): Partial {
  if (b.count === 0) return { ...a };
  if (a.count === 0) return { ...b };
  const count = a.count + b.count;
  const delta = b.mean - a.mean;
  return {
    count,
    mean: a.mean + (delta * b.count) / count,
    m2: a.m2 + b.m2 + (delta * delta * a.count * b.count) / count,
  };
}

/** Welford's update with one value, in place. */
export function pushValue(p: Partial, x: number): void {
  p.count += 1;
  const delta = x - p.mean;
  p.mean += delta / p.count;
  p.m2 += delta * (x - p.mean);
}

export function toMoments(p: Partial): Moments {
  const variance = p.count > 0 ? p.m2 / p.count : 0;
  return { mean: p.mean, var: variance, meanSq: variance + p.mean * p.mean };
}

/**
 * A figure averaged over trials, with its distribution across them: the extremes, the median and the 10 % and 90 %
 * quantiles, each taken over the trials' values of that figure alone (so `p10.var` is the 10 % quantile of the
 * trials' variances, whatever their means). With one trial every one of them is that trial's figure.
 */
export interface TrialSummary extends Moments {
  min: Moments;
  max: Moments;
  median: Moments;
  p10: Moments;
  p90: Moments;
}

const KEYS = ['mean', 'var', 'meanSq'] as const;

/**
 * The p-quantile of sorted values by linear interpolation between order statistics (Hyndman & Fan's type 7,
 * numpy's default): h = (N − 1)·p, x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎), counting from 0. Equal neighbours give
 * themselves, so a run of ±Infinity stays infinite; any NaN makes the quantile NaN, as it makes Math.min NaN.
 */
export function quantileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.some(Number.isNaN)) return NaN;
  const h = (sorted.length - 1) * p;
  const below = Math.floor(h);
  const lower = sorted[below];
  const upper = sorted[Math.min(below + 1, sorted.length - 1)];
  const fraction = h - below;
  return fraction === 0 || lower === upper ? lower : lower + fraction * (upper - lower);
}

export function summarizeTrials(perTrial: Moments[]): TrialSummary {
  const pick = (reduce: (values: number[]) => number) =>
    Object.fromEntries(KEYS.map((k) => [k, reduce(perTrial.map((m) => m[k]))])) as unknown as Moments;
  const quantile = (p: number) =>
    pick((v) =>
      quantileOfSorted(
        [...v].sort((a, b) => a - b),
        p,
      ),
    );
  return {
    ...pick((v) => v.reduce((s, x) => s + x, 0) / v.length),
    min: pick((v) => Math.min(...v)),
    max: pick((v) => Math.max(...v)),
    median: quantile(0.5),
    p10: quantile(0.1),
    p90: quantile(0.9),
  };
}
