/**
 * The per-layer state the GPU kernels share (shaders/moments.wgsl): merged statistics, the renormalisation exponent
 * and range flags, LAYER_STATE_WORDS u32 words per layer. Decoded here into float64 partials at their true scale.
 */
import type { RangeFlag } from '../lab/results';
import type { Partial } from '../lab/stats';

export const LAYER_STATE_WORDS = 8;
/** The word of a layer's renormalisation exponent (i32). */
export const STATE_EXPONENT = 6;
const FLAG_KINDS = ['underflow', 'overflow', 'nonfinite'] as const;

export interface LayerState {
  pre: Partial;
  post: Partial;
  /** Exponent k of this layer's pre-activations, divided out by the next layer. */
  exponent: number;
  flags: RangeFlag[];
}

export function decodeLayerState(words: Uint32Array, layer: number): LayerState {
  const base = layer * LAYER_STATE_WORDS;
  const floats = new Float32Array(words.buffer, words.byteOffset, words.length);
  const ints = new Int32Array(words.buffer, words.byteOffset, words.length);
  const flags: RangeFlag[] = [];
  (['pre', 'post'] as const).forEach((quantity, q) => {
    FLAG_KINDS.forEach((kind, bit) => {
      if (words[base + 7] & (1 << (3 * q + bit))) flags.push({ quantity, kind, precision: 'float32' });
    });
  });
  return {
    pre: { count: words[base], mean: floats[base + 1], m2: floats[base + 2] },
    post: { count: words[base + 3], mean: floats[base + 4], m2: floats[base + 5] },
    exponent: ints[base + STATE_EXPONENT],
    flags,
  };
}
