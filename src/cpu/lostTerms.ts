/**
 * Whether a product lost a term to float64's gradual underflow: a term a·b with a ≠ 0 and b ≠ 0 whose magnitude
 * rounds below the smallest normal keeps fewer than 53 bits, or none. Each element of one factor meets a known row or
 * column of the other, and |a|·|b| (rounded) grows with |b|, so comparing |a| with the smallest non-zero |b| it meets
 * decides exactly whether any of its terms underflowed, in O(size) instead of the product's O(size·inner).
 * Zeros lose nothing: 0·b is exactly 0, which is why zero weights and dead ReLU units are never counted.
 */

import { MIN_NORMAL_F64 } from '../lab/stats';

/** The smallest non-zero |m| of each row or column of a row-major [rows × cols] matrix; Infinity where there is none. */
function smallestNonZero(m: Float64Array, rows: number, cols: number, along: 'row' | 'column'): Float64Array {
  const smallest = new Float64Array(along === 'row' ? rows : cols).fill(Infinity);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const a = Math.abs(m[r * cols + c]);
      const k = along === 'row' ? r : c;
      if (a !== 0 && a < smallest[k]) smallest[k] = a;
    }
  }
  return smallest;
}

/** Whether some non-zero a[k] times the smallest partner it meets, smallest[partnerOf(k)], underflows. */
function losesTerms(a: Float64Array, smallest: Float64Array, partnerOf: (k: number) => number): boolean {
  for (let k = 0; k < a.length; k++) {
    if (a[k] !== 0 && Math.abs(a[k]) * smallest[partnerOf(k)] < MIN_NORMAL_F64) return true;
  }
  return false;
}

/** Z = H·W, H [rows × fanIn], W [fanIn × fanOut]: H[r, i] meets row i of W. */
export function affineLosesTerms(h: Float64Array, w: Float64Array, fanIn: number, fanOut: number): boolean {
  return losesTerms(h, smallestNonZero(w, fanIn, fanOut, 'row'), (k) => k % fanIn);
}

/** δ·Wᵀ, δ [rows × fanOut], W [fanIn × fanOut]: δ[r, j] meets column j of W. */
export function transposedLosesTerms(delta: Float64Array, w: Float64Array, fanIn: number, fanOut: number): boolean {
  return losesTerms(delta, smallestNonZero(w, fanIn, fanOut, 'column'), (k) => k % fanOut);
}

/** Hᵀ·δ, H [rows × fanIn], δ [rows × fanOut]: H[r, i] meets row r of δ. */
export function weightGradientLosesTerms(
  h: Float64Array,
  delta: Float64Array,
  rows: number,
  fanIn: number,
  fanOut: number,
): boolean {
  return losesTerms(h, smallestNonZero(delta, rows, fanOut, 'row'), (k) => Math.floor(k / fanIn));
}

/** u ⊙ d, element by element: u[k] meets d[k] alone. */
export function elementwiseLosesTerms(u: Float64Array, d: Float64Array): boolean {
  for (let k = 0; k < u.length; k++) {
    if (u[k] !== 0 && d[k] !== 0 && Math.abs(u[k] * d[k]) < MIN_NORMAL_F64) return true;
  }
  return false;
}
