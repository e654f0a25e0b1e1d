/**
 * The per-layer backward state the GPU kernels share (shaders/gradState.wgsl): merged statistics of ∂L/∂Z and ∂L/∂W,
 * the exponent of ∂L/∂Z, and range flags, GRAD_STATE_WORDS u32 words per layer.
 */
import type { RangeFlag } from '../lab/results';
import type { Partial } from '../lab/stats';

export const GRAD_STATE_WORDS = 8;
/** The word of the exponent of a layer's ∂L/∂Z (i32). */
export const GRAD_EXPONENT = 3;
const FLAG_KINDS = ['underflow', 'overflow', 'nonfinite'] as const;

export interface GradState {
  grad: Partial;
  weightGrad: Partial;
  /** Exponent j of this layer's ∂L/∂Z, divided out by the layer below. */
  exponent: number;
  flags: RangeFlag[];
}

export function decodeGradState(words: Uint32Array, layer: number): GradState {
  const base = layer * GRAD_STATE_WORDS;
  const floats = new Float32Array(words.buffer, words.byteOffset, words.length);
  const ints = new Int32Array(words.buffer, words.byteOffset, words.length);
  const flags: RangeFlag[] = [];
  (['grad', 'weightGrad'] as const).forEach((quantity, q) => {
    FLAG_KINDS.forEach((kind, bit) => {
      if (words[base + 7] & (1 << (3 * q + bit))) flags.push({ quantity, kind, precision: 'float32' });
    });
  });
  return {
    grad: { count: words[base], mean: floats[base + 1], m2: floats[base + 2] },
    weightGrad: { count: words[base + 4], mean: floats[base + 5], m2: floats[base + 6] },
    exponent: ints[base + GRAD_EXPONENT],
    flags,
  };
}
