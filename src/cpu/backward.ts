/**
 * The backward pass of the float64 reference engine.
 *
 * The network has no loss of its own, so the lab back-propagates a random one: L = Σ g_L ⊙ H_L with g_L ~ N(0, 1)
 * drawn per element, which makes ∂L/∂H_L = g_L. A random direction probes every unit alike, and its scale (1) is
 * the same at every width, so the gradients' growth or decay through the layers is the initializer's alone.
 * g_L comes from the Philox stream `Stream.outputGradient`, at layer = depth and element = row·width + j (row being
 * the batch row, whichever subset is computed), with series word 0: like the inputs, shared by every series.
 *
 * A residual network's probe is L = Σ g ⊙ x_{L+1}, its output stream (src/lab/architecture.ts). This module holds g and
 * the two products every backward pass is made of; networkBackward.ts puts them together for each architecture.
 */
import { drawWordsAt, Stream, standardNormal } from '../lab/rng';

/** g_L = ∂L/∂H_L for the given batch rows of one trial. */
export function outputGradient(
  seed: number,
  trial: number,
  depth: number,
  rows: number[],
  width: number,
): Float64Array {
  const g = new Float64Array(rows.length * width);
  rows.forEach((row, r) => {
    for (let j = 0; j < width; j++) {
      const [w0, w1] = drawWordsAt(seed, Stream.outputGradient, 0, trial, depth, row * width + j);
      g[r * width + j] = standardNormal(w0, w1);
    }
  });
  return g;
}

/** δ·Wᵀ: [rows × fanOut] by the transpose of [fanIn × fanOut], row-major. */
export function transposedProduct(
  delta: Float64Array,
  w: Float64Array,
  rows: number,
  fanIn: number,
  fanOut: number,
): Float64Array {
  const out = new Float64Array(rows * fanIn);
  transposedRows(delta, w, out, 0, rows, fanIn, fanOut);
  return out;
}

/** Rows [first, last) of δ·Wᵀ into `out`: the trainer computes it in blocks of rows between chances to yield. */
export function transposedRows(
  delta: Float64Array,
  w: Float64Array,
  out: Float64Array,
  first: number,
  last: number,
  fanIn: number,
  fanOut: number,
): void {
  for (let r = first; r < last; r++) {
    for (let i = 0; i < fanIn; i++) {
      let sum = 0;
      for (let j = 0; j < fanOut; j++) sum += delta[r * fanOut + j] * w[i * fanOut + j];
      out[r * fanIn + i] = sum;
    }
  }
}

/** Hᵀ·δ: the weight gradient, [fanIn × fanOut], summed over the rows. */
export function weightGradient(
  h: Float64Array,
  delta: Float64Array,
  rows: number,
  fanIn: number,
  fanOut: number,
): Float64Array {
  const out = new Float64Array(fanIn * fanOut);
  weightGradientRows(h, delta, out, 0, rows, fanIn, fanOut);
  return out;
}

/** Adds rows [first, last) of Hᵀ·δ to `out`, row by row in order, so that blocks of rows sum as the whole would. */
export function weightGradientRows(
  h: Float64Array,
  delta: Float64Array,
  out: Float64Array,
  first: number,
  last: number,
  fanIn: number,
  fanOut: number,
): void {
  for (let r = first; r < last; r++) {
    for (let i = 0; i < fanIn; i++) {
      const hValue = h[r * fanIn + i];
      if (hValue === 0) continue;
      for (let j = 0; j < fanOut; j++) out[i * fanOut + j] += hValue * delta[r * fanOut + j];
    }
  }
}
