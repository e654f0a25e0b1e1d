/**
 * Exact scaling beyond float32. With a positively homogeneous φ and zero bias, Z_l is linear in each weight scale
 * and in the input, so the GPU computes mantissas near 1 and the exponents are carried here as integers:
 * Z_l(true) = 2^K_l · Z_l(GPU), K_l = K_{l−1} + e_l + k_{l−1}, where e_l is the weight scale's exponent and k_{l−1}
 * the power of two the GPU divided out after layer l−1 (K_0 = the input's exponent). Powers of two are exact.
 */
import type { RangeFlag } from '../lab/results';
import { MIN_NORMAL_F64, type Moments, type Partial } from '../lab/stats';

/** The magnitudes whose values and squares float32 holds (shaders/lib/range.wgsl flags the rest). */
export const F32_SMALLEST_HELD = 2 ** -60;
export const F32_LARGEST_HELD = 2 ** 48;

/** x·2^k without an intermediate 2^k that under- or overflows on its own. */
export function ldexp(x: number, k: number): number {
  const half = Math.trunc(k / 2);
  return x * 2 ** half * 2 ** (k - half);
}

/** scale = mantissa·2^exponent with |mantissa| in [0.5, 1), or 0·2^0. */
export function splitScale(scale: number): { mantissa: number; exponent: number } {
  if (scale === 0 || !Number.isFinite(scale)) return { mantissa: scale, exponent: 0 };
  let exponent = Math.floor(Math.log2(Math.abs(scale))) + 1;
  let mantissa = ldexp(scale, -exponent);
  // log2 may be off by one near powers of two.
  if (Math.abs(mantissa) >= 1) {
    mantissa /= 2;
    exponent += 1;
  }
  if (Math.abs(mantissa) < 0.5) {
    mantissa *= 2;
    exponent -= 1;
  }
  return { mantissa, exponent };
}

/** The exponent that brings a set of values' RMS near 1 (0 for an all-zero set). */
export function rmsExponent(values: ArrayLike<number>): number {
  let sumSq = 0;
  for (let i = 0; i < values.length; i++) sumSq += values[i] * values[i];
  const meanSq = sumSq / Math.max(values.length, 1);
  return meanSq > 0 && Number.isFinite(meanSq) ? Math.round(0.5 * Math.log2(meanSq)) : 0;
}

/** Whether float32 holds x and its square (0 is held). */
export function heldInF32(x: number): boolean {
  const a = Math.abs(x);
  return a === 0 || (a >= F32_SMALLEST_HELD && a <= F32_LARGEST_HELD);
}

/** A partial of GPU values, brought to its true scale 2^K in float64. */
export function toTrueScale(p: Partial, exponent: number): Partial {
  return { count: p.count, mean: ldexp(p.mean, exponent), m2: ldexp(p.m2, 2 * exponent) };
}

/** Flags figures of a layer that the GPU saw as non-zero but that float64 cannot hold at their true scale. */
export function float64Flags(moments: Moments, nonZero: boolean, quantity: RangeFlag['quantity']): RangeFlag[] {
  if (!nonZero) return [];
  if (!Number.isFinite(moments.meanSq)) return [{ quantity, kind: 'overflow', precision: 'float64' }];
  if (moments.meanSq < MIN_NORMAL_F64) return [{ quantity, kind: 'underflow', precision: 'float64' }];
  return [];
}
