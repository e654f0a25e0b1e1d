/**
 * LayerNorm and BatchNorm without affine parameters, in float64 (src/lab/architecture.ts defines them): over a group of
 * values v — a row's units (layer) or a unit's rows (batch) — N(v) = (v − μ)·r with μ the group's mean, s² its biased
 * variance and r = 1/√(s² + ε). The group's mean is taken first and the variance about it (two passes: no E[v²] − μ²).
 *
 * Backward, with y = N(v) and g = ∂L/∂y over the group: ∂y_i/∂v_j = r·(δ_ij − 1/n − y_i·y_j/n), so
 *   ∂L/∂v = r·(g − mean(g) − y·mean(g·y)),
 * exact with ε included (y is the normalized value, r the factor that made it).
 */
import type { NormKind } from './architecture';

/** Per group (row or unit), the factor r = 1/√(s² + ε) that normalized it. */
export interface Normalized {
  values: Float64Array;
  factors: Float64Array;
}

/** The element index of member k of group g in a row-major [rows × width] matrix. */
function indexer(kind: 'layer' | 'batch', width: number) {
  return kind === 'layer' ? (g: number, k: number) => g * width + k : (g: number, k: number) => k * width + g;
}

/** N(v) of a row-major [rows × width] matrix. */
export function normalize(
  kind: Exclude<NormKind, 'none'>,
  v: Float64Array,
  rows: number,
  width: number,
  eps: number,
): Normalized {
  const [groups, members] = kind === 'layer' ? [rows, width] : [width, rows];
  const at = indexer(kind, width);
  const values = new Float64Array(v.length);
  const factors = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    let sum = 0;
    for (let k = 0; k < members; k++) sum += v[at(g, k)];
    const mean = sum / members;
    let squares = 0;
    for (let k = 0; k < members; k++) squares += (v[at(g, k)] - mean) ** 2;
    const r = 1 / Math.sqrt(squares / members + eps);
    factors[g] = r;
    for (let k = 0; k < members; k++) values[at(g, k)] = (v[at(g, k)] - mean) * r;
  }
  return { values, factors };
}

/** ∂L/∂v from ∂L/∂y = `gradient`, y = N(v) as `normalized` holds it. */
export function normalizeBackward(
  kind: Exclude<NormKind, 'none'>,
  normalized: Normalized,
  gradient: Float64Array,
  rows: number,
  width: number,
): Float64Array {
  const [groups, members] = kind === 'layer' ? [rows, width] : [width, rows];
  const at = indexer(kind, width);
  const y = normalized.values;
  const out = new Float64Array(gradient.length);
  for (let g = 0; g < groups; g++) {
    let sum = 0;
    let projection = 0;
    for (let k = 0; k < members; k++) {
      const e = at(g, k);
      sum += gradient[e];
      projection += gradient[e] * y[e];
    }
    const [mean, along] = [sum / members, projection / members];
    const r = normalized.factors[g];
    for (let k = 0; k < members; k++) {
      const e = at(g, k);
      out[e] = r * (gradient[e] - mean - y[e] * along);
    }
  }
  return out;
}
