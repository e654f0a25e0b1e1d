/**
 * A chunk's states, read back from the GPU, brought to their true scale (scale.ts gives the rule):
 *   forward   Z_l(true) = 2^K_l·Z_l(GPU),  K_l = K_{l−1} + e_l + k_{l−1},  K_0 the input's exponent;
 *   backward  δ_l(true) = 2^D_l·δ_l(GPU),  D_L = 0,  D_{l−1} = D_l + e_l + j_l;
 *             ∂L/∂W_l(true) = 2^(K_{l−1} + D_l)·(H_{l−1}ᵀ·δ_l)(GPU),
 * with e_l the exponent carried by W_l's scale, k_l and j_l the exponents the GPU divided out (layerState.ts).
 */
import type { RangeFlag } from '../lab/results';
import { emptyPartial, mergeMoments, type Partial } from '../lab/stats';
import type { HistogramScales } from './histogramSet';
import type { ChunkLayer } from './job';
import type { DecodedState } from './layerState';
import { toTrueScale } from './scale';

export interface ForwardScaled {
  layers: ChunkLayer[];
  /** K_l per layer (0-based). */
  exponents: number[];
}

export function forwardAtTrueScale(
  states: DecodedState[],
  inputExponent: number,
  weightExponents: number[],
  extraFlags: RangeFlag[][],
): ForwardScaled {
  const layers: ChunkLayer[] = [];
  const exponents: number[] = [];
  let scale = inputExponent;
  states.forEach((state, i) => {
    scale += weightExponents[i] + (i > 0 ? states[i - 1].exponent : 0);
    exponents.push(scale);
    layers.push({
      pre: toTrueScale(state.a, scale),
      post: toTrueScale(state.b, scale),
      flags: [...state.flags, ...extraFlags[i]],
    });
  });
  return { layers, exponents };
}

/**
 * Adds ∂L/∂Z_l, and ∂L/∂W_l merged over the blocks given for its layer, at their true scale to `layers`, and their
 * powers of two to `scales`. `inputScales[l − 1]` is K_{l−1}; `weightGradBlocks` is null before the last chunk.
 */
export function addGradientsAtTrueScale(
  layers: ChunkLayer[],
  states: DecodedState[],
  scales: HistogramScales[],
  inputScales: number[],
  weightExponents: number[],
  weightGradBlocks: (Partial[] | null)[] | null,
): void {
  let scale = 0;
  for (let i = layers.length - 1; i >= 0; i--) {
    const state = states[i];
    layers[i].grad = toTrueScale(state.a, scale);
    const blocks = weightGradBlocks?.[i];
    if (blocks) {
      const exponent = inputScales[i] + scale;
      layers[i].weightGrad = blocks.map((p) => toTrueScale(p, exponent)).reduce(mergeMoments, emptyPartial());
    }
    scales[i].grad = scale;
    scales[i].weightGrad = inputScales[i] + scale;
    layers[i].flags.push(...state.flags);
    scale += weightExponents[i] + state.exponent;
  }
}
