/**
 * The float64 engine's range rules: a figure its arithmetic cannot hold is flagged, never shown as a silent 0,
 * ±Infinity or NaN. Each rule gives RangeFlag kinds for one quantity of one layer in one trial:
 * - value problems (valueProblems): the quantity's elements are NaN, ±Infinity, or lost precision to gradual underflow;
 * - statistic problems (statisticProblems): every element is held, but its mean square or variance is not;
 * - propagation (networkForward.ts, networkBackward.ts): a value problem makes everything computed from those values
 *   unreliable, so it carries to them; a statistic problem touches nothing else and stays where it is.
 */
import type { RangeFlag } from '../lab/results';
import type { Moments } from '../lab/stats';
import { MIN_NORMAL_F64 } from '../lab/stats';

export type RangeKind = RangeFlag['kind'];
const KINDS: readonly RangeKind[] = ['underflow', 'overflow', 'nonfinite'];

/** What one pass over a quantity's elements tells the rules. */
export interface ValueScan {
  nonZero: boolean;
  allEqual: boolean;
  /** The largest |x| (NaN ignored). */
  largest: number;
  subnormal: boolean;
  infinite: boolean;
  nan: boolean;
}

export function scanValues(values: Float64Array): ValueScan {
  const scan: ValueScan = { nonZero: false, allEqual: true, largest: 0, subnormal: false, infinite: false, nan: false };
  for (const x of values) {
    const a = Math.abs(x);
    if (Number.isNaN(x)) scan.nan = true;
    else if (a === Infinity) scan.infinite = true;
    else if (a !== 0 && a < MIN_NORMAL_F64) scan.subnormal = true;
    if (a !== 0) scan.nonZero = true;
    if (a > scan.largest) scan.largest = a;
    if (x !== values[0]) scan.allEqual = false;
  }
  return scan;
}

/** The kinds of several lists, once each, in RangeFlag's order. */
export function union(...lists: RangeKind[][]): RangeKind[] {
  const all = new Set(lists.flat());
  return KINDS.filter((k) => all.has(k));
}

/**
 * The quantity's own value problems. `termsLost`: a product term of the arithmetic that made these values underflowed
 * (lostTerms.ts); `terms`: how many products reach each value, so their underflow errors add up to terms·2^-1075.
 */
export function valueProblems(scan: ValueScan, termsLost: boolean, terms: number): RangeKind[] {
  const kinds: RangeKind[] = [];
  // A non-zero subnormal keeps fewer than 53 bits. A product term that rounds into or below the subnormals loses at
  // most 2^-1075 (half their spacing), so lost terms cost precision when terms·2^-1075 outweighs float64's rounding
  // (2^-53) of the largest value, that is when largest < terms·2^-1022; this covers an all-zero result.
  const lostToUnderflow = termsLost && scan.largest < terms * MIN_NORMAL_F64;
  if (scan.subnormal || lostToUnderflow) kinds.push('underflow');
  // ±Infinity: a value beyond float64's largest.
  if (scan.infinite) kinds.push('overflow');
  // NaN: Infinity met Infinity or 0 in the arithmetic.
  if (scan.nan) kinds.push('nonfinite');
  return kinds;
}

/** Problems of the moments of values that are themselves finite. */
export function statisticProblems(m: Moments, scan: ValueScan): RangeKind[] {
  // Non-finite values already carry their own flag; their moments mean nothing more.
  if (scan.infinite || scan.nan) return [];
  // |x| above ~1.3e154 squares past float64's largest: the moments overflow while every value is held.
  if (![m.mean, m.var, m.meanSq].every(Number.isFinite)) return ['overflow'];
  // E[x²] of non-zero values, or the variance of values that differ, below the smallest normal has lost precision
  // (to 0 below 2^-1074), like Z ≈ 1e-160, a normal float64 whose square is not. Equal values have variance 0 exactly.
  if ((scan.nonZero && m.meanSq < MIN_NORMAL_F64) || (!scan.allEqual && m.var < MIN_NORMAL_F64)) return ['underflow'];
  return [];
}
