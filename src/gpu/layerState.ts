/**
 * The per-layer state the kernels share, one layout for both passes: STATE_WORDS u32 words per layer,
 *
 *   [A.count, A.mean, A.m2, exponent, B.count, B.mean, B.m2, flags]
 *
 * with slot A = Z_l and slot B = H_l in the forward state, slot A = ∂L/∂Z_l and slot B = ∂L/∂W_l in the backward one.
 * `exponent` (i32) is the power of two k of slot A's values that the next kernel divides out (see scale.ts); `flags`
 * holds three range bits per slot, by FLAG_KINDS. The WGSL constants are generated from this declaration
 * (src/gpu/fragments.ts), and decodeState reads the words back.
 */
import type { Quantity, RangeFlag } from '../lab/results';
import type { Partial } from '../lab/stats';

export const STATE = { words: 8, slotA: 0, exponent: 3, slotB: 4, flags: 7 } as const;
/** Flag bit i of a slot is FLAG_KINDS[i]; slot B's bits sit FLAG_BITS above slot A's. */
export const FLAG_KINDS = ['underflow', 'overflow', 'nonfinite'] as const satisfies readonly RangeFlag['kind'][];
export const FLAG_BITS = FLAG_KINDS.length;

/** How a merge sets the exponent the next kernel divides out: 0, chosen from the RMS, or kept as written. */
export const EXPONENT_RULES = { none: 0, choose: 1, keep: 2 } as const;
export type ExponentRule = keyof typeof EXPONENT_RULES;

/** Which quantities a state's slots hold. */
export const FORWARD_SLOTS = ['pre', 'post'] as const satisfies readonly [Quantity, Quantity];
export const BACKWARD_SLOTS = ['grad', 'weightGrad'] as const satisfies readonly [Quantity, Quantity];

export interface DecodedState {
  a: Partial;
  b: Partial;
  /** Exponent k of slot A's values, divided out by the next kernel. */
  exponent: number;
  flags: RangeFlag[];
}

export function decodeState(words: Uint32Array, layer: number, slots: readonly [Quantity, Quantity]): DecodedState {
  const base = layer * STATE.words;
  const floats = new Float32Array(words.buffer, words.byteOffset, words.length);
  const ints = new Int32Array(words.buffer, words.byteOffset, words.length);
  const slot = (offset: number): Partial => ({
    count: words[base + offset],
    mean: floats[base + offset + 1],
    m2: floats[base + offset + 2],
  });
  const flags: RangeFlag[] = [];
  slots.forEach((quantity, s) => {
    FLAG_KINDS.forEach((kind, bit) => {
      if (words[base + STATE.flags] & (1 << (FLAG_BITS * s + bit)))
        flags.push({ quantity, kind, precision: 'float32' });
    });
  });
  return { a: slot(STATE.slotA), b: slot(STATE.slotB), exponent: ints[base + STATE.exponent], flags };
}
