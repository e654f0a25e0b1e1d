import { describe, expect, it } from 'vitest';
import { outputGradient } from '../../src/cpu/backward';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { affine, inputMatrix } from '../../src/cpu/layers';
import { backwardTrial } from '../../src/cpu/networkBackward';
import type { PlainTraceLayer } from '../../src/cpu/networkForward';
import { type ActivationName, type BoundActivation, bindActivation } from '../../src/lab/activations';
import { defaultConfig, type ExperimentConfig } from '../../src/lab/config';
import { weightDistribution } from '../../src/lab/initializers';
import { resultCsv, resultJson } from '../../src/lab/results';
import { sampleWeights } from '../../src/lab/sampling';

const engine = new CpuEngine();

/** A tiny network: 3 rows, input 4, two hidden layers of 5 and an output layer of 5; weights N(0, 0.8²), bias 0.1. */
const ROWS = 3,
  N0 = 4,
  WIDTH = 5,
  DEPTH = 3,
  BIAS = 0.1;
const fanIns = [N0, WIDTH, WIDTH];
const x = Float64Array.from({ length: ROWS * N0 }, (_, i) => Math.sin(1.7 * i + 0.3));
const weights = fanIns.map((fanIn, l) =>
  sampleWeights({ shape: 'normal', scale: 0.8 }, { seed: 7, series: 0, trial: 0, layer: l + 1 }, fanIn, WIDTH),
);
const g = outputGradient(7, 0, DEPTH, [0, 1, 2], WIDTH);

/** L = Σ g ⊙ H_L, from layer `from` on, starting from its pre-activations z (Z_from). */
function lossFrom(from: number, z: Float64Array, phi: BoundActivation, ws: Float64Array[]): number {
  let h = z.map(phi.f);
  for (let l = from + 1; l < DEPTH; l++) h = affine(h, ws[l], ROWS, fanIns[l], WIDTH, BIAS).map(phi.f);
  return h.reduce((s, v, e) => s + g[e] * v, 0);
}

function trace(phi: BoundActivation, ws: Float64Array[]): PlainTraceLayer[] {
  const t: PlainTraceLayer[] = [];
  let h = x;
  for (let l = 0; l < DEPTH; l++) {
    const z = affine(h, ws[l], ROWS, fanIns[l], WIDTH, BIAS);
    t.push({ input: h, weights: ws[l], fanIn: fanIns[l], pre: z, normalized: null });
    h = z.map(phi.f);
  }
  return t;
}

/** The plain network's ∂L/∂Z_l and ∂L/∂W_l from networkBackward.ts. */
function backward(
  layers: PlainTraceLayer[],
  gradient: Float64Array,
  phi: BoundActivation,
  rows: number,
  width: number,
) {
  const context = {
    activation: phi,
    architecture: defaultConfig().architecture,
    alpha: 1,
    rows,
    width,
    forward: layers.map(() => ({})),
  };
  const measured = backwardTrial(context, { kind: 'plain', layers }, gradient);
  return { pre: measured.map((m) => m[0].values), weights: measured.map((m) => m[1].values) };
}

const loss = (phi: BoundActivation, ws: Float64Array[]) =>
  lossFrom(0, affine(x, ws[0], ROWS, N0, WIDTH, BIAS), phi, ws);

describe('CPU backward pass against central finite differences of L = Σ g_L ⊙ H_L (float64)', () => {
  // Central differences with step 1e-6: truncation h²·|L'''|/6 ≈ 1e-13 here, rounding ε·|L|/h ≈ 1e-16·5/1e-6 = 5e-10.
  // 1e-7 absolute is two orders above both, and far below a wrong term (gradients here are of order 0.1–1).
  const STEP = 1e-6,
    TOLERANCE = 1e-7;

  it.each(['tanh', 'gelu', 'sigmoid', 'leaky-relu'] as ActivationName[])(
    '%s: ∂L/∂Z_l and ∂L/∂W_l for every element of every layer',
    (name) => {
      const phi = bindActivation(name, { slope: 0.2 });
      const t = trace(phi, weights);
      const grads = backward(t, g, phi, ROWS, WIDTH);
      for (let l = 0; l < DEPTH; l++) {
        for (let e = 0; e < ROWS * WIDTH; e++) {
          const shifted = (d: number) => {
            const z = Float64Array.from(t[l].pre);
            z[e] += d;
            return lossFrom(l, z, phi, weights);
          };
          expect(Math.abs((shifted(STEP) - shifted(-STEP)) / (2 * STEP) - grads.pre[l][e])).toBeLessThan(TOLERANCE);
        }
        for (let e = 0; e < fanIns[l] * WIDTH; e++) {
          const shifted = (d: number) => {
            const ws = weights.map((w) => Float64Array.from(w));
            ws[l][e] += d;
            return loss(phi, ws);
          };
          expect(Math.abs((shifted(STEP) - shifted(-STEP)) / (2 * STEP) - grads.weights[l][e])).toBeLessThan(TOLERANCE);
        }
      }
    },
  );
});

describe('CpuEngine with backward', () => {
  const config: ExperimentConfig = {
    ...defaultConfig(),
    activation: 'tanh',
    depth: 3,
    width: 6,
    bias: 0.2,
    seed: 4,
    trials: 1,
    input: { distribution: 'uniform', batch: 5, width: 3 },
    sweep: [{ kind: 'xavier-normal', gain: 5 / 3 }],
  };

  it("reports grad and weightGrad per layer, computed from g_L on Stream.outputGradient and the run's own weights", async () => {
    const result = await engine.run(config, { backward: true });
    const rows = [0, 1, 2, 3, 4];
    const phi = bindActivation('tanh', config);
    const t: PlainTraceLayer[] = [];
    let h = inputMatrix(config, 0, rows);
    for (let l = 1; l <= 3; l++) {
      const fanIn = l === 1 ? 3 : 6;
      const w = sampleWeights(
        weightDistribution(config.sweep[0], fanIn, 6),
        { seed: 4, series: 0, trial: 0, layer: l },
        fanIn,
        6,
      );
      const z = affine(h, w, 5, fanIn, 6, 0.2);
      t.push({ input: h, weights: w, fanIn, pre: z, normalized: null });
      h = z.map(phi.f);
    }
    const grads = backward(t, outputGradient(4, 0, 3, rows, 6), phi, 5, 6);
    result.series[0].layers.forEach((layer, l) => {
      const meanSq = (a: Float64Array) => a.reduce((s, v) => s + v * v, 0) / a.length;
      // Welford's running mean against a direct sum: float rounding only.
      expect(layer.grad!.meanSq).toBeCloseTo(meanSq(grads.pre[l]), 14);
      expect(layer.weightGrad!.meanSq).toBeCloseTo(meanSq(grads.weights[l]), 14);
    });
  });

  it('leaves grad out without backward, and the JSON and CSV carry grad and weightGrad with it', async () => {
    const plain = await engine.run(config);
    expect(plain.series[0].layers[0].grad).toBeUndefined();
    const result = await engine.run(config, { backward: true });
    const json = JSON.parse(JSON.stringify(resultJson(result)));
    expect(Object.keys(json.series[0].layers[2].grad)).toEqual(expect.arrayContaining(['mean', 'var', 'meanSq']));
    expect(Object.keys(json.series[0].layers[2].weightGrad)).toEqual(expect.arrayContaining(['mean', 'var', 'meanSq']));
    const csv = resultCsv(result).trim().split('\n');
    expect(csv.filter((line) => line.split(',')[2] === 'grad')).toHaveLength(3);
    expect(csv.filter((line) => line.split(',')[2] === 'weightGrad')).toHaveLength(3);
    expect(resultCsv(plain).trim().split('\n')).toHaveLength(1 + 3 * 2);
  });
});

describe('He initialization at width 512, forward and backward', () => {
  const base: ExperimentConfig = {
    ...defaultConfig(),
    width: 512,
    depth: 6,
    input: { distribution: 'normal', batch: 4, width: 256 },
    sweep: [{ kind: 'he-normal' }],
  };
  // In one network E[Z²] or E[δ²] of a layer moves by ≈ √(2/512) ≈ 6 % from that layer's weights (the 4 rows share
  // them), a random walk reaching ≈ 15 % by layer 6 (20 % seen). The mean of 4 networks halves that to ≈ 7.5 %;
  // 25 % is over 3 of those, and far from Xavier's halving per layer (a factor 32 over six).
  const NETWORKS = 4,
    BAND = 0.25;
  const meanOver = async (config: ExperimentConfig, backward: boolean, pick: 'pre' | 'grad') => {
    const runs = await Promise.all(
      Array.from({ length: NETWORKS }, (_, k) => engine.run({ ...config, seed: 21 + k }, { backward })),
    );
    return config.sweep.map((_, s) =>
      Array.from(
        { length: config.depth },
        (_, l) => runs.reduce((sum, r) => sum + r.series[s].layers[l][pick]!.meanSq, 0) / NETWORKS,
      ),
    );
  };

  it('He fan_in keeps E[Z_l²] at 2·E[x²] = 2 through every layer', async () => {
    const [he] = await meanOver(base, false, 'pre');
    he.forEach((m, l) => {
      expect(Math.abs(m / 2 - 1), `layer ${l + 1}: ${m}`).toBeLessThan(BAND);
    });
  });

  it("He fan_out keeps E[(∂L/∂Z_l)²] at E[φ'(Z_L)²] = ½ through every layer, while Xavier halves it per layer", async () => {
    const [he, xavier] = await meanOver(
      { ...base, sweep: [{ kind: 'he-normal', mode: 'fan_out' }, { kind: 'xavier-normal' }] },
      true,
      'grad',
    );
    he.forEach((m, l) => {
      expect(Math.abs(m / 0.5 - 1), `layer ${l + 1}: ${m}`).toBeLessThan(BAND);
    });
    // Xavier on square ReLU layers: E[g_{l−1}²] = (n·v/2)·E[g_l²] with n·v = 1.
    xavier.forEach((m, l) => {
      expect(Math.abs(m / (0.5 * 0.5 ** (5 - l)) - 1), `layer ${l + 1}: ${m}`).toBeLessThan(BAND);
    });
  });
});
