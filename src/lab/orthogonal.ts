/**
 * torch.nn.init.orthogonal_ for a Linear weight, in float64: QR of a Gaussian matrix by Householder reflections,
 * Q's columns multiplied by sign(diag R) so that Q is Haar-distributed (and the same whatever sign convention the
 * reflections use). This is matrix-level, unlike every other initializer: no element can be drawn alone, so the GPU
 * engine uploads this CPU-computed Q. Cost: O(max(n_in, n_out)·min(n_in, n_out)²) per layer.
 */

/**
 * Thin QR of a tall row-major [m × n] matrix (m ≥ n): returns Q [m × n] row-major with QᵀQ = I and R's diagonal
 * made positive (columns of Q with a negative R_kk are negated). `a` is overwritten.
 */
export function orthonormalColumns(a: Float64Array, m: number, n: number): Float64Array {
  if (m < n) throw new RangeError(`orthonormalColumns needs a tall matrix, got ${m} × ${n}`);
  const reflectors: Float64Array[] = [];
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // v = x − α·e_1 with α = −sign(x_0)·‖x‖, the choice that avoids cancellation; then R_kk = α.
    let norm = 0;
    for (let i = k; i < m; i++) norm += a[i * n + k] ** 2;
    norm = Math.sqrt(norm);
    const x0 = a[k * n + k];
    const alpha = x0 > 0 ? -norm : norm;
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = a[i * n + k];
    v[0] -= alpha;
    let vNorm = 0;
    for (const vi of v) vNorm += vi * vi;
    vNorm = Math.sqrt(vNorm);
    // A zero column (probability 0 for a Gaussian matrix) needs no reflection; torch would zero Q's column, we keep e_k.
    if (vNorm > 0) for (let i = 0; i < v.length; i++) v[i] /= vNorm;
    reflectors.push(v);
    applyReflector(a, v, k, m, n, k);
    signs[k] = alpha < 0 ? -1 : 1;
  }
  // Q = H_0·H_1·…·H_{n−1}·[I_n; 0], accumulated from the last reflector.
  const q = new Float64Array(m * n);
  for (let k = 0; k < n; k++) q[k * n + k] = 1;
  for (let k = n - 1; k >= 0; k--) applyReflector(q, reflectors[k], k, m, n, 0);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] *= signs[j];
  return q;
}

/** a[k:m, from:n] ← (I − 2vvᵀ)·a[k:m, from:n] for a unit v (or v = 0); row by row, for the row-major layout. */
function applyReflector(a: Float64Array, v: Float64Array, k: number, m: number, n: number, from: number): void {
  const twiceDots = new Float64Array(n - from);
  for (let i = k; i < m; i++) {
    const vi = v[i - k],
      row = i * n;
    if (vi !== 0) for (let j = from; j < n; j++) twiceDots[j - from] += 2 * vi * a[row + j];
  }
  for (let i = k; i < m; i++) {
    const vi = v[i - k],
      row = i * n;
    if (vi !== 0) for (let j = from; j < n; j++) a[row + j] -= twiceDots[j - from] * vi;
  }
}

/**
 * The orthogonal weight, row-major [fanIn × fanOut] (Z = H·W), from Gaussian draws in the same layout.
 * torch sees the weight as its transpose, [fan_out × fan_in], and orthogonalises the columns of that matrix when
 * fan_out ≥ fan_in, else its rows: here the rows of `gaussian` when fanIn ≤ fanOut, else its columns. The smaller
 * Gram matrix is then the identity: W·Wᵀ = I (fanIn ≤ fanOut) or Wᵀ·W = I.
 */
export function orthogonalWeights(gaussian: Float64Array, fanIn: number, fanOut: number): Float64Array {
  if (fanIn > fanOut) return orthonormalColumns(Float64Array.from(gaussian), fanIn, fanOut);
  return transpose(orthonormalColumns(transpose(gaussian, fanIn, fanOut), fanOut, fanIn), fanOut, fanIn);
}

/** Transpose of a row-major [rows × cols] matrix. */
export function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}
