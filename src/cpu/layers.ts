/** The forward arithmetic of the float64 reference: input rows from the stream, and one layer's affine map. */
import { type ExperimentConfig, inputWidth } from '../lab/config';
import { inputElement } from '../lab/sampling';

/** The input rows [rows.length × n_0] of one trial. */
export function inputMatrix(config: ExperimentConfig, trial: number, rows: number[]): Float64Array {
  const n0 = inputWidth(config);
  const input = config.input;
  const matrix = new Float64Array(rows.length * n0);
  rows.forEach((row, r) => {
    for (let c = 0; c < n0; c++) {
      matrix[r * n0 + c] = 'values' in input ? input.values[c] : inputElement(input, config.seed, trial, row, c);
    }
  });
  return matrix;
}

/** Rows [first, last) of Z = H·W + b into `z` (filled with b beforehand), H [rows × fanIn], W [fanIn × fanOut]. */
export function affineRows(
  h: Float64Array,
  w: Float64Array,
  z: Float64Array,
  first: number,
  last: number,
  fanIn: number,
  fanOut: number,
): void {
  for (let r = first; r < last; r++) {
    const zRow = r * fanOut;
    for (let i = 0; i < fanIn; i++) {
      const hValue = h[r * fanIn + i];
      if (hValue === 0) continue;
      const wRow = i * fanOut;
      for (let j = 0; j < fanOut; j++) z[zRow + j] += hValue * w[wRow + j];
    }
  }
}

/** Z = H·W + b for a [rows × fanIn] by [fanIn × fanOut] product, row-major. */
export function affine(
  h: Float64Array,
  w: Float64Array,
  rows: number,
  fanIn: number,
  fanOut: number,
  bias: number,
): Float64Array {
  const z = new Float64Array(rows * fanOut).fill(bias);
  affineRows(h, w, z, 0, rows, fanIn, fanOut);
  return z;
}

/** The timed product's shape: 32 rows through a 192 → 192 layer. */
const [SPEED_ROWS, SPEED_WIDTH] = [32, 192];

/**
 * Whether a finished run's speed may stand for the engine's: its products are at least a quarter of the timed one.
 * A run of many small products times the loops around them (a width-10 layer is mostly overhead), and an estimate of
 * a large run from that speed would be many times too long.
 */
export const timesProducts = (rows: number, width: number): boolean =>
  rows * width * width >= (SPEED_ROWS * SPEED_WIDTH * SPEED_WIDTH) / 4;

/** This machine's speed at the reference's inner loop, in multiply–adds per second: the best of a few timed products. */
export function measureCpuSpeed(): number {
  const [rows, n] = [SPEED_ROWS, SPEED_WIDTH];
  const h = Float64Array.from({ length: rows * n }, (_, i) => ((i * 7919) % 97) / 97 - 0.5);
  const w = Float64Array.from({ length: n * n }, (_, i) => ((i * 104729) % 89) / 89 - 0.5);
  let best = Infinity;
  const started = performance.now();
  while (performance.now() - started < 40) {
    const t = performance.now();
    affine(h, w, rows, n, n, 0);
    best = Math.min(best, performance.now() - t);
  }
  return (rows * n * n) / (Math.max(best, 0.01) / 1000);
}
