/** Number and flag formatting for tables, legends and panels. */
import type { Quantity, RangeFlag } from '../lab/results';

export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  return magnitude < 1e-3 || magnitude >= 1e5 ? x.toExponential(digits - 1) : x.toPrecision(digits);
}

/** The range flags of one quantity, in words. */
export function flagText(flags: RangeFlag[], quantity: Quantity): string {
  return flags
    .filter((f) => f.quantity === quantity)
    .map((f) => `${f.kind} in ${f.precision}`)
    .join(', ');
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
