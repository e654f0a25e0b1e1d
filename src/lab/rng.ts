/**
 * Philox4x32-10 (Salmon et al., SC'11), the counter-based generator shared by the CPU and the GPU engines.
 * Every random number is a pure function of (seed, stream, series, trial, layer, element), so any weight or
 * input element can be regenerated alone, by either engine, in any order.
 */

const MULTIPLIER_0 = 0xd2511f53;
const MULTIPLIER_1 = 0xcd9e8d57;
const WEYL_0 = 0x9e3779b9;
const WEYL_1 = 0xbb67ae85;
const ROUNDS = 10;

export type Words4 = [number, number, number, number];

/** High 32 bits of a 32×32-bit product, by 16-bit halves (the same split the WGSL kernel uses). */
export function mulHigh(a: number, b: number): number {
  const aHi = a >>> 16,
    aLo = a & 0xffff,
    bHi = b >>> 16,
    bLo = b & 0xffff;
  const middle = aHi * bLo + aLo * bHi + ((aLo * bLo) >>> 16);
  return (aHi * bHi + Math.floor(middle / 65536)) >>> 0;
}

export function philox4x32(counter: Words4, key: [number, number]): Words4 {
  return philox(counter[0], counter[1], counter[2], counter[3], key[0], key[1]);
}

/** Positional form: the hot path allocates nothing but the result. */
function philox(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number): Words4 {
  c0 >>>= 0;
  c1 >>>= 0;
  c2 >>>= 0;
  c3 >>>= 0;
  k0 >>>= 0;
  k1 >>>= 0;
  for (let round = 0; round < ROUNDS; round++) {
    const hi0 = mulHigh(MULTIPLIER_0, c0),
      lo0 = Math.imul(MULTIPLIER_0, c0) >>> 0;
    const hi1 = mulHigh(MULTIPLIER_1, c2),
      lo1 = Math.imul(MULTIPLIER_1, c2) >>> 0;
    const next0 = (hi1 ^ c1 ^ k0) >>> 0,
      next2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = next0;
    c1 = lo1;
    c2 = next2;
    c3 = lo0;
    k0 = (k0 + WEYL_0) >>> 0;
    k1 = (k1 + WEYL_1) >>> 0;
  }
  return [c0, c1, c2, c3];
}

/** What a random draw is for; part of the key, so the streams never overlap. */
export const Stream = { weights: 0, input: 1, outputGradient: 2, data: 3, batches: 4, bias: 5 } as const;

/**
 * Counter layout, shared with shaders/philox.wgsl:
 *   counter = [element, layer, trial, series + 65536·attempt], key = [seed, stream].
 * `element` is the row-major index inside the tensor (weights [n_in × n_out], inputs [batch × n_0]);
 * `layer` is 1..depth for weights and 0 for inputs; `attempt` counts redraws (truncated normal).
 */
export interface DrawAddress {
  seed: number;
  stream: number;
  series: number;
  trial: number;
  layer: number;
  element: number;
  attempt?: number;
}

export function drawWords(a: DrawAddress): Words4 {
  return philox(a.element, a.layer, a.trial, a.series + 65536 * (a.attempt ?? 0), a.seed, a.stream);
}

/** drawWords without an address object, for loops over millions of elements. */
export function drawWordsAt(
  seed: number,
  stream: number,
  series: number,
  trial: number,
  layer: number,
  element: number,
  attempt = 0,
): Words4 {
  return philox(element, layer, trial, series + 65536 * attempt, seed, stream);
}

const TWO_POW_MINUS_24 = 2 ** -24;

/** Uniform in [0, 1) from the top 24 bits of a word: exact in float32, so both engines agree bit for bit. */
export function unitUniform(word: number): number {
  return (word >>> 8) * TWO_POW_MINUS_24;
}

/** Uniform in (0, 1]: shifted by one ulp so that log() never sees 0. */
export function unitUniformOpen(word: number): number {
  return ((word >>> 8) + 1) * TWO_POW_MINUS_24;
}

/** Box–Muller: two words give one standard normal (the cosine branch). */
export function standardNormal(radiusWord: number, angleWord: number): number {
  return Math.sqrt(-2 * Math.log(unitUniformOpen(radiusWord))) * Math.cos(2 * Math.PI * unitUniform(angleWord));
}
