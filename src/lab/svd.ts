/**
 * Singular values of a real matrix in float64, by Golub and Kahan's method as Golub and Reinsch arranged it (the form
 * of Numerical Recipes' svdcmp): Householder reflections reduce A to a bidiagonal B with the same singular values, then
 * implicitly shifted QR sweeps (Wilkinson's shift from the trailing 2×2 of BᵀB) drive B's superdiagonal to zero.
 * Only the values are wanted, so no reflection or rotation is accumulated: O(m·n²) for the reduction, O(n²) after it.
 * Each value is accurate to about ε·‖A‖ (a superdiagonal counts as zero below ε times the largest |d_i| + |e_i|), so
 * values far below the largest are known absolutely, not to 16 digits — as fine as a float32 Jacobian's own error.
 */

/** QR sweeps a value may take before the iteration is declared stuck; a few per value is usual. */
const MAX_SWEEPS = 75;

const hypot = (a: number, b: number): number => {
  const [x, y] = [Math.abs(a), Math.abs(b)];
  if (x > y) return x * Math.sqrt(1 + (y / x) ** 2);
  return y === 0 ? 0 : y * Math.sqrt(1 + (x / y) ** 2);
};
/** |a| with the sign of b (Fortran's SIGN). */
const withSign = (a: number, b: number) => (b >= 0 ? Math.abs(a) : -Math.abs(a));

interface Bidiagonal {
  /** The diagonal d_0..d_{n−1} and superdiagonal (e_i between d_{i−1} and d_i; e_0 = 0). */
  d: Float64Array;
  e: Float64Array;
  /** max |d_i| + |e_i|: the scale of "zero". */
  norm: number;
}

/** Householder bidiagonalisation of a row-major [m × n] matrix, m ≥ n, overwriting `a`. */
function bidiagonalize(a: Float64Array, m: number, n: number): Bidiagonal {
  const d = new Float64Array(n),
    e = new Float64Array(n),
    columnDots = new Float64Array(n);
  let g = 0,
    scale = 0,
    norm = 0;
  for (let i = 0; i < n; i++) {
    const l = i + 1;
    e[i] = scale * g;
    g = scale = 0;
    // The left reflection zeroes column i below the diagonal.
    for (let k = i; k < m; k++) scale += Math.abs(a[k * n + i]);
    if (scale !== 0) {
      let s = 0;
      for (let k = i; k < m; k++) {
        a[k * n + i] /= scale;
        s += a[k * n + i] ** 2;
      }
      const f = a[i * n + i];
      g = -withSign(Math.sqrt(s), f);
      const h = f * g - s;
      a[i * n + i] = f - g;
      // Row by row, so that the inner loop runs along memory.
      columnDots.fill(0, l);
      for (let k = i; k < m; k++) {
        const v = a[k * n + i];
        for (let j = l; j < n; j++) columnDots[j] += v * a[k * n + j];
      }
      for (let k = i; k < m; k++) {
        const v = a[k * n + i];
        for (let j = l; j < n; j++) a[k * n + j] += (columnDots[j] / h) * v;
      }
      for (let k = i; k < m; k++) a[k * n + i] *= scale;
    }
    d[i] = scale * g;
    g = scale = 0;
    // The right reflection zeroes row i beyond the superdiagonal (e[] holds the reflector until its turn comes).
    if (i !== n - 1) {
      for (let k = l; k < n; k++) scale += Math.abs(a[i * n + k]);
      if (scale !== 0) {
        let s = 0;
        for (let k = l; k < n; k++) {
          a[i * n + k] /= scale;
          s += a[i * n + k] ** 2;
        }
        const f = a[i * n + l];
        g = -withSign(Math.sqrt(s), f);
        const h = f * g - s;
        a[i * n + l] = f - g;
        for (let k = l; k < n; k++) e[k] = a[i * n + k] / h;
        for (let j = l; j < m; j++) {
          let dot = 0;
          for (let k = l; k < n; k++) dot += a[j * n + k] * a[i * n + k];
          for (let k = l; k < n; k++) a[j * n + k] += dot * e[k];
        }
        for (let k = l; k < n; k++) a[i * n + k] *= scale;
      }
    }
    norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i]));
  }
  return { d, e, norm };
}

/** Diagonalises the bidiagonal in place by shifted QR sweeps; d then holds the singular values, up to sign. */
function diagonalize({ d, e, norm }: Bidiagonal): void {
  const zero = Number.EPSILON * norm;
  for (let k = d.length - 1; k >= 0; k--) {
    for (let sweep = 0; ; sweep++) {
      // The unreduced block [l, k]: e_l is negligible, or d_{l−1} is and e_l must be cancelled first.
      let l = k;
      let cancel = true;
      for (; l >= 0; l--) {
        if (l === 0 || Math.abs(e[l]) <= zero) {
          cancel = false;
          break;
        }
        if (Math.abs(d[l - 1]) <= zero) break;
      }
      if (cancel) {
        let [c, s] = [0, 1];
        for (let i = l; i <= k; i++) {
          const f = s * e[i];
          e[i] *= c;
          if (Math.abs(f) <= zero) break;
          const h = hypot(f, d[i]);
          [c, s] = [d[i] / h, -f / h];
          d[i] = h;
        }
      }
      const z = d[k];
      if (l === k) {
        d[k] = Math.abs(z);
        break;
      }
      if (sweep === MAX_SWEEPS) throw new Error('the singular value iteration did not converge');
      // A block that starts on an exact zero would divide by it; a nudge of ε·‖B‖/100 moves no value by more.
      if (d[l] === 0) d[l] = zero / 100;
      let [x, y, g, h] = [d[l], d[k - 1], e[k - 1], e[k]];
      let f = ((y - z) * (y + z) + (g - h) * (g + h)) / (2 * h * y);
      g = hypot(f, 1);
      f = ((x - z) * (x + z) + h * (y / (f + withSign(g, f)) - h)) / x;
      let [c, s] = [1, 1];
      for (let j = l; j < k; j++) {
        const i = j + 1;
        g = e[i];
        y = d[i];
        h = s * g;
        g *= c;
        let r = hypot(f, h);
        e[j] = r;
        [c, s] = [f / r, h / r];
        f = x * c + g * s;
        g = g * c - x * s;
        h = y * s;
        y *= c;
        r = hypot(f, h);
        d[j] = r;
        if (r !== 0) [c, s] = [f / r, h / r];
        f = c * g + s * y;
        x = c * y - s * g;
      }
      e[l] = 0;
      e[k] = f;
      d[k] = x;
    }
  }
}

/** The singular values of a row-major [rows × cols] matrix, from the largest; `a` is left untouched. */
export function singularValues(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  // AᵀA and AAᵀ share their non-zero eigenvalues: reduce the tall one of A and Aᵀ.
  const [m, n] = rows >= cols ? [rows, cols] : [cols, rows];
  const work = new Float64Array(m * n);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) work[rows >= cols ? i * cols + j : j * rows + i] = a[i * cols + j];
  const bidiagonal = bidiagonalize(work, m, n);
  diagonalize(bidiagonal);
  return bidiagonal.d.sort().reverse();
}
