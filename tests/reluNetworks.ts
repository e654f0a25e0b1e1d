/**
 * An independent Monte-Carlo of ReLU networks on one fixed input, for the tests that check the page's numbers: its own
 * random numbers (sfc32 and Box–Muller), its own float64 loops, none of the engines' code. Each network draws
 * W_l ~ N(0, std(l, fan_in)²), Z_l = H_{l−1}·W_l (zero bias), H_l = max(0, Z_l); with `backward` it also sends
 * g_L ~ N(0, 1) back as the engines do: δ_L = g_L ⊙ φ′(Z_L), δ_l = (δ_{l+1}·W_{l+1}ᵀ) ⊙ φ′(Z_l), φ′(z) = [z > 0].
 * Forward only, it skips the matrices: the columns of a normal W_l are independent N(0, std²·I), so given H_{l−1} the
 * units of Z_l are exactly independent N(0, std²·‖H_{l−1}‖²) — the same law for n normals a layer instead of n².
 */

export interface SimulationSpec {
  input: readonly number[];
  width: number;
  depth: number;
  /** How many independent networks to draw. */
  networks: number;
  seed: number;
  /** The weights' standard deviation at layer l (1-based) with this fan-in. */
  weightStd: (layer: number, fanIn: number) => number;
  backward?: boolean;
}

/** Per layer (index l − 1), one value per network: the population statistics the engines report for one trial. */
export interface SimulatedNetworks {
  preVar: Float64Array[];
  preMeanSq: Float64Array[];
  postMeanSq: Float64Array[];
  /** E[δ_l²] over the layer's units; present with `backward`. */
  gradMeanSq?: Float64Array[];
}

/** sfc32 (Doty-Humphrey's small fast counter): 32-bit words, plenty for sampling error far above 2⁻³². */
function uniforms(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

function normals(seed: number): () => number {
  const uniform = uniforms(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

export function simulateReluNetworks(spec: SimulationSpec): SimulatedNetworks {
  const { input, width: n, depth, networks } = spec;
  const normal = normals(spec.seed);
  const perLayer = () => Array.from({ length: depth }, () => new Float64Array(networks));
  const out: SimulatedNetworks = { preVar: perLayer(), preMeanSq: perLayer(), postMeanSq: perLayer() };
  if (spec.backward) out.gradMeanSq = perLayer();
  const fanIns = Array.from({ length: depth }, (_, l) => (l === 0 ? input.length : n));
  const weights = fanIns.map((fanIn) => new Float64Array(fanIn * n));
  const pre = fanIns.map(() => new Float64Array(n));
  for (let k = 0; k < networks; k++) {
    let h: ArrayLike<number> = input;
    for (let l = 0; l < depth; l++) {
      const std = spec.weightStd(l + 1, fanIns[l]);
      const z = pre[l];
      if (spec.backward) product(h, weights[l], z, std, normal);
      else {
        let normSq = 0;
        for (let i = 0; i < fanIns[l]; i++) normSq += h[i] * h[i];
        const scale = std * Math.sqrt(normSq);
        for (let j = 0; j < n; j++) z[j] = scale * normal();
      }
      let sum = 0;
      let sumSq = 0;
      let postSq = 0;
      for (let j = 0; j < n; j++) {
        sum += z[j];
        sumSq += z[j] * z[j];
        if (z[j] > 0) postSq += z[j] * z[j];
      }
      const mean = sum / n;
      out.preMeanSq[l][k] = sumSq / n;
      out.preVar[l][k] = sumSq / n - mean * mean;
      out.postMeanSq[l][k] = postSq / n;
      h = z.map((v) => Math.max(v, 0));
    }
    if (out.gradMeanSq) backward(out.gradMeanSq, k, weights, pre, n, normal);
  }
  return out;
}

/** z = h·W with W's elements drawn N(0, std²) into `w` ([h.length × z.length], row-major). */
function product(h: ArrayLike<number>, w: Float64Array, z: Float64Array, std: number, normal: () => number): void {
  const n = z.length;
  for (let i = 0; i < w.length; i++) w[i] = std * normal();
  z.fill(0);
  for (let i = 0; i < h.length; i++) {
    const hi = h[i];
    if (hi === 0) continue;
    for (let j = 0; j < n; j++) z[j] += hi * w[i * n + j];
  }
}

function backward(
  gradMeanSq: Float64Array[],
  k: number,
  weights: Float64Array[],
  pre: Float64Array[],
  n: number,
  normal: () => number,
): void {
  const depth = pre.length;
  let delta = Float64Array.from(pre[depth - 1], (z) => {
    const g = normal();
    return z > 0 ? g : 0;
  });
  for (let l = depth - 1; l >= 0; l--) {
    gradMeanSq[l][k] = delta.reduce((s, d) => s + d * d, 0) / n;
    if (l === 0) break;
    const w = weights[l];
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (pre[l - 1][i] <= 0) continue;
      let s = 0;
      for (let j = 0; j < n; j++) s += delta[j] * w[i * n + j];
      next[i] = s;
    }
    delta = next;
  }
}

/** The sorted copy of one layer's values, for quantiles and fractions. */
export const sortedValues = (values: Float64Array): Float64Array => Float64Array.from(values).sort();

/** The fraction of values for which `test` holds. */
export function fractionWhere(values: ArrayLike<number>, test: (v: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (test(values[i])) count++;
  return count / values.length;
}
