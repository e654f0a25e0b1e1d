/**
 * Fixed-bin histograms, with one exact bin rule that the GPU's u32-atomic counter mirrors:
 *
 *   B bins over [lo, hi], lo < hi, scale = B / (hi − lo)
 *   x < lo (or −∞)  → below        x > hi (or +∞) → above        NaN → nan
 *   lo ≤ x ≤ hi     → bin k = min(B − 1, floor((x − lo)·scale))
 *
 * so bin k holds [e_k, e_{k+1}) with e_k = lo + k·(hi − lo)/B, except the last, which also holds hi. Nothing is
 * dropped: Σ counts + below + above + nan = the number of values. The index formula, not the edges, is the
 * definition: computed in float32, a value within rounding of an interior edge may land one bin over.
 * An automatic range is [min, max] of the finite values (so none is below or above); a single repeated value v gets
 * [v − s, v + s] with s = max(½, |v|/2), and no finite value at all [0, 1].
 */

export interface Histogram {
  lo: number;
  hi: number;
  /** B + 1 edges, for drawing; e_k = lo + k·(hi − lo)/B. */
  edges: number[];
  /** Integer counts per bin. */
  counts: number[];
  below: number;
  above: number;
  nan: number;
}

/** The bins over [lo, hi]; `scale` is computed once, as the GPU kernel receives it. */
export interface BinRule {
  lo: number;
  hi: number;
  bins: number;
  scale: number;
}

export function binRule(lo: number, hi: number, bins: number): BinRule {
  if (!(hi > lo) || !Number.isInteger(bins) || bins < 1)
    throw new RangeError(`a histogram needs lo < hi and bins ≥ 1, got [${lo}, ${hi}] and ${bins}`);
  return { lo, hi, bins, scale: bins / (hi - lo) };
}

/** The bin of x, or −1 below the range, B above it, NaN for NaN. */
export function binIndex(rule: BinRule, x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < rule.lo) return -1;
  if (x > rule.hi) return rule.bins;
  return Math.min(rule.bins - 1, Math.floor((x - rule.lo) * rule.scale));
}

export function histogram(values: ArrayLike<number>, lo: number, hi: number, bins: number): Histogram {
  const rule = binRule(lo, hi, bins);
  const counts = new Array<number>(bins).fill(0);
  let below = 0,
    above = 0,
    nan = 0;
  for (let i = 0; i < values.length; i++) {
    const k = binIndex(rule, values[i]);
    if (Number.isNaN(k)) nan++;
    else if (k < 0) below++;
    else if (k >= bins) above++;
    else counts[k]++;
  }
  return {
    lo,
    hi,
    edges: Array.from({ length: bins + 1 }, (_, k) => lo + (k * (hi - lo)) / bins),
    counts,
    below,
    above,
    nan,
  };
}

/** [min, max] of the finite values, widened as the header says when it is empty or a single point. */
export function dataRange(values: ArrayLike<number>): { lo: number; hi: number } {
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isFinite(x)) {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  if (lo > hi) return { lo: 0, hi: 1 };
  const spread = Math.max(0.5, Math.abs(lo) / 2);
  return lo === hi ? { lo: lo - spread, hi: hi + spread } : { lo, hi };
}

/** A histogram over the values' own range. */
export function autoHistogram(values: ArrayLike<number>, bins: number): Histogram {
  const { lo, hi } = dataRange(values);
  return histogram(values, lo, hi, bins);
}
