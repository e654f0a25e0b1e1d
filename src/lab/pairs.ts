/**
 * The correlation figure of a pairs input: the cosine of the two rows of each pair (rows 2k and 2k + 1) at a layer's
 * pre-activations, z_a·z_b / (‖z_a‖·‖z_b‖), whose mean over the pairs is the layer's correlation c_l. A pair with an
 * all-zero row has no cosine and is left out. The float64 twin of shaders/pairCosine.wgsl.
 */
import { emptyPartial, type Partial, pushValue } from './stats';

/** The cosine of rows a and b of a row-major matrix, each row scaled by its largest magnitude so no square overflows. */
export function rowCosine(values: ArrayLike<number>, width: number, a: number, b: number): number | null {
  let largestA = 0,
    largestB = 0;
  for (let c = 0; c < width; c++) {
    largestA = Math.max(largestA, Math.abs(values[a * width + c]));
    largestB = Math.max(largestB, Math.abs(values[b * width + c]));
  }
  if (!(largestA > 0 && largestB > 0) || !Number.isFinite(largestA * largestB)) return null;
  let dot = 0,
    normA = 0,
    normB = 0;
  for (let c = 0; c < width; c++) {
    const x = values[a * width + c] / largestA;
    const y = values[b * width + c] / largestB;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return dot / Math.sqrt(normA * normB);
}

/** Count, mean and M2 of the cosines of the pairs of a [rows × width] matrix whose rows come in pairs. */
export function pairCosines(values: ArrayLike<number>, rows: number, width: number): Partial {
  const cosines = emptyPartial();
  for (let a = 0; a + 1 < rows; a += 2) {
    const cosine = rowCosine(values, width, a, a + 1);
    if (cosine !== null) pushValue(cosines, cosine);
  }
  return cosines;
}

/**
 * The cosines of the pairs among captured rows: `rows` lists batch rows in capture order, `values` their [rows × width]
 * pre-activations; a pair counts where row 2k is followed by row 2k + 1.
 */
export function capturedPairCosines(rows: number[], values: ArrayLike<number>, width: number): Partial {
  const cosines = emptyPartial();
  rows.forEach((row, i) => {
    if (row % 2 !== 0 || rows[i + 1] !== row + 1) return;
    const cosine = rowCosine(values, width, i, i + 1);
    if (cosine !== null) pushValue(cosines, cosine);
  });
  return cosines;
}
