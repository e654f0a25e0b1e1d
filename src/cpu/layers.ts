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
      matrix[r * n0 + c] =
        'values' in input ? input.values[c] : inputElement(input.distribution, config.seed, trial, row * n0 + c);
    }
  });
  return matrix;
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
  for (let r = 0; r < rows; r++) {
    const zRow = r * fanOut;
    for (let i = 0; i < fanIn; i++) {
      const hValue = h[r * fanIn + i];
      if (hValue === 0) continue;
      const wRow = i * fanOut;
      for (let j = 0; j < fanOut; j++) z[zRow + j] += hValue * w[wRow + j];
    }
  }
  return z;
}
