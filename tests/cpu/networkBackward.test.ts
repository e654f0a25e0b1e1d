/**
 * The float64 backward pass of residual and normalized networks (src/cpu/networkBackward.ts) against central finite
 * differences of the probe L = Σ g ⊙ x_{L+1} (residual) or Σ g ⊙ H_L (plain), computed by a forward pass written here
 * from the model's definition (src/lab/architecture.ts), apart from the engine's.
 */
import { describe, expect, it } from 'vitest';
import { affine } from '../../src/cpu/layers';
import { backwardTrial } from '../../src/cpu/networkBackward';
import type { Measured, NetworkTrace, PlainTraceLayer, ResidualTraceLayer } from '../../src/cpu/networkForward';
import { type BoundActivation, bindActivation } from '../../src/lab/activations';
import type { NormKind } from '../../src/lab/architecture';
import { defaultConfig } from '../../src/lab/config';
import { normalize } from '../../src/lab/normalization';
import type { Quantity } from '../../src/lab/results';

const ROWS = 4,
  N0 = 3,
  WIDTH = 5,
  DEPTH = 3,
  BIAS = 0.1,
  ALPHA = 0.7,
  EPS = 1e-3;
const pseudo = (seed: number, n: number, scale: number) =>
  Float64Array.from({ length: n }, (_, i) => scale * Math.sin(12.9898 * (i + 1) + 78.233 * seed));
const X = pseudo(1, ROWS * N0, 1);
const G = pseudo(2, ROWS * WIDTH, 1);

interface Weights {
  input: Float64Array;
  /** W_{l,1} (residual) or W_l for l ≥ 2 (plain, index l − 2 unused for l = 1). */
  first: Float64Array[];
  second: Float64Array[];
}
const WEIGHTS: Weights = {
  input: pseudo(3, N0 * WIDTH, 0.8),
  first: Array.from({ length: DEPTH }, (_, l) => pseudo(4 + l, WIDTH * WIDTH, 0.6)),
  second: Array.from({ length: DEPTH }, (_, l) => pseudo(9 + l, WIDTH * WIDTH, 0.6)),
};

/** A value of the forward pass to replace, for the differences: the stream x_l entering block l, or Z_l. */
type Override = { layer: number; at: 'stream' | 'pre'; values: Float64Array } | null;

function normalized(kind: NormKind, v: Float64Array) {
  return kind === 'none' ? null : normalize(kind, v, ROWS, WIDTH, EPS);
}

/** The residual network: its trace and its probe L = Σ g ⊙ x_{L+1}. */
function residual(w: Weights, norm: NormKind, phi: BoundActivation, override: Override = null) {
  const layers: ResidualTraceLayer[] = [];
  let x = affine(X, w.input, ROWS, N0, WIDTH, BIAS);
  for (let l = 0; l < DEPTH; l++) {
    if (override?.layer === l && override.at === 'stream') x = override.values;
    const n = normalized(norm, x);
    const u = (n ? n.values : x).map(phi.f);
    let z = affine(u, w.first[l], ROWS, WIDTH, WIDTH, BIAS);
    if (override?.layer === l && override.at === 'pre') z = override.values;
    const h = z.map(phi.f);
    const y = affine(h, w.second[l], ROWS, WIDTH, WIDTH, BIAS);
    layers.push({
      stream: x,
      normalized: n,
      branchInput: u,
      pre: z,
      post: h,
      weightsIn: w.first[l],
      weightsOut: w.second[l],
    });
    x = x.map((v, e) => v + ALPHA * y[e]);
  }
  const trace: NetworkTrace = { kind: 'residual', input: X, projection: w.input, layers };
  return { trace, loss: x.reduce((s, v, e) => s + G[e] * v, 0), out: x };
}

/** The plain network H_l = φ(N(Z_l)) (its first layer W.input, then W.first[1 …]): trace and L = Σ g ⊙ H_L. */
function plain(w: Weights, norm: NormKind, phi: BoundActivation, override: Override = null) {
  const layers: PlainTraceLayer[] = [];
  let h = X;
  for (let l = 0; l < DEPTH; l++) {
    const [weights, fanIn] = l === 0 ? [w.input, N0] : [w.first[l], WIDTH];
    let z = affine(h, weights, ROWS, fanIn, WIDTH, BIAS);
    if (override?.layer === l && override.at === 'pre') z = override.values;
    const n = normalized(norm, z);
    layers.push({ input: h, weights, fanIn, pre: z, normalized: n });
    h = (n ? n.values : z).map(phi.f);
  }
  const trace: NetworkTrace = { kind: 'plain', layers };
  return { trace, loss: h.reduce((s, v, e) => s + G[e] * v, 0) };
}

function gradients(kind: 'plain' | 'residual', norm: NormKind, phi: BoundActivation): Record<string, Float64Array>[] {
  const { trace } = (kind === 'plain' ? plain : residual)(WEIGHTS, norm, phi);
  const context = {
    activation: phi,
    architecture: { ...defaultConfig().architecture, kind, norm, eps: EPS },
    alpha: ALPHA,
    rows: ROWS,
    width: WIDTH,
    forward: Array.from({ length: DEPTH }, () => ({})),
  };
  return backwardTrial(context, trace, G).map((measured: Measured[]) =>
    Object.fromEntries(measured.map((m) => [m.quantity as Quantity, m.values])),
  );
}

/** (L(v + h·e_k) − L(v − h·e_k)) / 2h for every element k of v. */
function centralDifferences(v: Float64Array, loss: (shifted: Float64Array) => number): Float64Array {
  // Step 1e-6 on values of order 1: truncation ≈ 1e-12·|L'''|, rounding ≈ 1e-16·|L|/1e-6 ≈ 1e-9 here.
  const STEP = 1e-6;
  return v.map((_, k) => {
    const at = (d: number) => {
      const s = Float64Array.from(v);
      s[k] += d;
      return loss(s);
    };
    return (at(STEP) - at(-STEP)) / (2 * STEP);
  });
}

/** 1e-7 absolute: two orders above the differences' error, far below a missing term (gradients here are 0.01 – 10). */
const TOLERANCE = 1e-7;
const expectClose = (actual: Float64Array, expected: Float64Array, what: string) => {
  actual.forEach((a, k) => {
    expect(Math.abs(a - expected[k]), `${what}[${k}]`).toBeLessThan(TOLERANCE);
  });
};

describe('residual backward against central differences of L = Σ g ⊙ x_{L+1} (float64)', () => {
  it.each([
    ['tanh', 'none'],
    ['relu', 'layer'],
    ['gelu', 'batch'],
  ] as const)('%s, norm %s: ∂L/∂x, ∂L/∂Z, ∂L/∂W₁ and ∂L/∂W₂ of every block', (name, norm) => {
    const phi = bindActivation(name, { slope: 0.01 });
    const grads = gradients('residual', norm, phi);
    const { trace } = residual(WEIGHTS, norm, phi);
    const layers = (trace as Extract<NetworkTrace, { kind: 'residual' }>).layers;
    for (let l = 0; l < DEPTH; l++) {
      const ofStream = (s: Float64Array) => residual(WEIGHTS, norm, phi, { layer: l, at: 'stream', values: s }).loss;
      // ∂L/∂x_{l+1} is block l's streamGrad: the stream entering block l + 1, or the output for the last block.
      if (l > 0) expectClose(grads[l - 1].streamGrad, centralDifferences(layers[l].stream, ofStream), `∂L/∂x_${l + 1}`);
      const ofPre = (z: Float64Array) => residual(WEIGHTS, norm, phi, { layer: l, at: 'pre', values: z }).loss;
      expectClose(grads[l].grad, centralDifferences(layers[l].pre, ofPre), `∂L/∂Z_${l + 1}`);
      const ofFirst = (w: Float64Array) =>
        residual({ ...WEIGHTS, first: WEIGHTS.first.map((v, k) => (k === l ? w : v)) }, norm, phi).loss;
      expectClose(grads[l].weightGrad, centralDifferences(WEIGHTS.first[l], ofFirst), `∂L/∂W_${l + 1},1`);
      const ofSecond = (w: Float64Array) =>
        residual({ ...WEIGHTS, second: WEIGHTS.second.map((v, k) => (k === l ? w : v)) }, norm, phi).loss;
      expectClose(grads[l].branchWeightGrad, centralDifferences(WEIGHTS.second[l], ofSecond), `∂L/∂W_${l + 1},2`);
    }
    expectClose(grads[DEPTH - 1].streamGrad, G, '∂L/∂x_{L+1}');
  });
});

describe('plain backward with normalization against central differences of L = Σ g ⊙ H_L (float64)', () => {
  it.each([
    ['tanh', 'layer'],
    ['relu', 'batch'],
  ] as const)('%s, norm %s: ∂L/∂Z_l and ∂L/∂W_l of every layer', (name, norm) => {
    const phi = bindActivation(name, { slope: 0.01 });
    const grads = gradients('plain', norm, phi);
    const { trace } = plain(WEIGHTS, norm, phi);
    const layers = (trace as Extract<NetworkTrace, { kind: 'plain' }>).layers;
    for (let l = 0; l < DEPTH; l++) {
      const ofPre = (z: Float64Array) => plain(WEIGHTS, norm, phi, { layer: l, at: 'pre', values: z }).loss;
      expectClose(grads[l].grad, centralDifferences(layers[l].pre, ofPre), `∂L/∂Z_${l + 1}`);
      const replace = (w: Float64Array): Weights =>
        l === 0 ? { ...WEIGHTS, input: w } : { ...WEIGHTS, first: WEIGHTS.first.map((v, k) => (k === l ? w : v)) };
      const ofWeights = (w: Float64Array) => plain(replace(w), norm, phi).loss;
      expectClose(grads[l].weightGrad, centralDifferences(layers[l].weights, ofWeights), `∂L/∂W_${l + 1}`);
    }
  });
});
