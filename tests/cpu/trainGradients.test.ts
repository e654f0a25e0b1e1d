/**
 * The float64 trainer's arithmetic against independent computations: its gradients against central finite
 * differences of its own loss, and a few optimizer steps against a hand-written float64 replay of PyTorch's rules.
 */
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { minibatchGradient } from '../../src/cpu/trainBackward';
import type { Network, Pace, ReadoutShape } from '../../src/cpu/trainNetwork';
import { type ActivationName, bindActivation } from '../../src/lab/activations';
import { type ArchitectureConfig, trainedMatrices, type WeightMatrix } from '../../src/lab/architecture';
import { defaultConfig, type ExperimentConfig, formatError, parseConfig } from '../../src/lab/config';
import type { DataSplit } from '../../src/lab/datasets';
import { makeDataset } from '../../src/lab/datasets';
import { Minibatches } from '../../src/lab/minibatches';

const NO_PACE: Pace = async () => {};

/** A smooth pseudo-random number from an index, so that inputs and weights are fixed without a stream. */
const wave = (i: number, scale = 1) => scale * Math.sin(1.37 * i + 0.4) * Math.cos(0.71 * i);

/** A plain network of the given widths (they may differ from layer to layer), the last its readout. */
function plainMatrices(widths: number[]): WeightMatrix[] {
  return widths.slice(1).map((fanOut, l) => ({
    role: l === widths.length - 2 ? 'readout' : 'hidden',
    address: l + 1,
    fanIn: widths[l],
    fanOut,
    zero: false,
    layer: l + 1,
  }));
}

function tinyNetwork(
  matrices: WeightMatrix[],
  multipliers = matrices.map(() => 1),
  architecture: ArchitectureConfig = defaultConfig().architecture,
): Network {
  let k = 0;
  return {
    matrices,
    weights: matrices.map((m) => Float64Array.from({ length: m.fanIn * m.fanOut }, () => wave(k++, 0.9))),
    biases: matrices.map((m) => Float64Array.from({ length: m.fanOut }, () => wave(k++, 0.2))),
    multipliers,
    architecture,
    alpha: 0.7,
  };
}

function tinyBatch(rows: number, dim: number, shape: ReadoutShape): DataSplit {
  const x = Float64Array.from({ length: rows * dim }, (_, i) => wave(100 + i, 1.5));
  const y = shape.classes
    ? Int32Array.from({ length: rows }, (_, r) => r % shape.classes)
    : Float64Array.from({ length: rows * shape.outputs }, (_, i) => wave(200 + i));
  return { x, y, rows };
}

/**
 * Central differences (L(p + h) − L(p − h))/2h err by h²·L‴/6 ≈ 1e-11 and by rounding ε·|L|/h ≈ 1e-11 at h = 1e-5;
 * 1e-7 of the largest gradient leaves room for both and still catches any wrong term (they are O(gradient)).
 */
const STEP = 1e-5;
const FINITE_DIFFERENCE_TOLERANCE = 1e-7;

describe('the CPU trainer back-propagates the exact gradient of its loss', () => {
  const cases: {
    activation: ActivationName;
    shape: ReadoutShape;
    loss: string;
    multipliers?: number[];
    architecture?: Partial<ArchitectureConfig>;
  }[] = [
    { activation: 'tanh', shape: { classes: 3, outputs: 3 }, loss: 'cross-entropy' },
    // A parametrization's output multipliers (μP's readout 1/m, NTK's 1/√m) enter both W's gradient and δ.
    { activation: 'tanh', shape: { classes: 3, outputs: 3 }, loss: 'cross-entropy', multipliers: [1, 0.5, 0.25] },
    { activation: 'gelu', shape: { classes: 3, outputs: 3 }, loss: 'cross-entropy' },
    { activation: 'sigmoid', shape: { classes: 0, outputs: 2 }, loss: 'mean squared error' },
    { activation: 'leaky-relu', shape: { classes: 0, outputs: 2 }, loss: 'mean squared error' },
    { activation: 'relu', shape: { classes: 2, outputs: 2 }, loss: 'cross-entropy' },
    // Normalization before φ, and residual blocks (α = 0.7) with their projection, two matrices each and the readout.
    { activation: 'tanh', shape: { classes: 3, outputs: 3 }, loss: 'cross-entropy', architecture: { norm: 'layer' } },
    {
      activation: 'gelu',
      shape: { classes: 0, outputs: 2 },
      loss: 'mean squared error',
      architecture: { norm: 'batch' },
    },
    {
      activation: 'tanh',
      shape: { classes: 3, outputs: 3 },
      loss: 'cross-entropy',
      architecture: { kind: 'residual' },
    },
    {
      activation: 'relu',
      shape: { classes: 2, outputs: 2 },
      loss: 'cross-entropy',
      multipliers: [1, 0.5, 0.5, 0.5, 0.5, 0.25],
      architecture: { kind: 'residual', norm: 'layer' },
    },
    {
      activation: 'sigmoid',
      shape: { classes: 0, outputs: 2 },
      loss: 'mean squared error',
      architecture: { kind: 'residual', norm: 'batch' },
    },
  ];
  for (const { activation, shape, loss, multipliers, architecture: changes } of cases) {
    const scaled = multipliers ? ` with output multipliers ${multipliers.join(', ')}` : '';
    const architecture = { ...defaultConfig().architecture, eps: 1e-3, ...changes };
    const network =
      architecture.kind === 'plain' && architecture.norm === 'none'
        ? ''
        : ` (${architecture.kind}, norm ${architecture.norm})`;
    it(`${activation}, ${loss}${scaled}${network}: every weight and bias gradient equals a central finite difference`, async () => {
      const phi = bindActivation(activation, { slope: 0.1 });
      const matrices =
        architecture.kind === 'plain'
          ? plainMatrices([3, 5, 4, shape.outputs])
          : trainedMatrices(architecture, 3, 4, 2, shape.outputs);
      const net = tinyNetwork(matrices, multipliers, architecture);
      const batch = tinyBatch(6, 3, shape);
      const lossAt = async () => (await minibatchGradient(net, phi, batch, shape, NO_PACE)).loss;
      const { gradients } = await minibatchGradient(net, phi, batch, shape, NO_PACE);
      const analytic = [...gradients.weights, ...gradients.biases];
      const largest = Math.max(...analytic.flatMap((g) => [...g].map(Math.abs)));
      const tensors = [...net.weights, ...net.biases];
      for (const [t, tensor] of tensors.entries()) {
        for (let e = 0; e < tensor.length; e++) {
          const saved = tensor[e];
          tensor[e] = saved + STEP;
          const up = await lossAt();
          tensor[e] = saved - STEP;
          const down = await lossAt();
          tensor[e] = saved;
          expect(Math.abs((up - down) / (2 * STEP) - analytic[t][e])).toBeLessThan(
            FINITE_DIFFERENCE_TOLERANCE * largest,
          );
        }
      }
    });
  }
});

/** The hand-written reference: one row at a time, a list per layer, PyTorch's formulas as the NOTES state them. */
function referenceGradient(
  weights: Float64Array[],
  biases: Float64Array[],
  widths: number[],
  phi: ReturnType<typeof bindActivation>,
  x: number[][],
  labels: number[],
): { weights: number[][]; biases: number[][] } {
  const layers = weights.length;
  const gw = weights.map((w) => new Array<number>(w.length).fill(0));
  const gb = biases.map((b) => new Array<number>(b.length).fill(0));
  for (const [r, row] of x.entries()) {
    const hs = [row];
    const zs: number[][] = [];
    for (let l = 0; l < layers; l++) {
      const z = Array.from({ length: widths[l + 1] }, (_, j) =>
        hs[l].reduce((sum, h, i) => sum + h * weights[l][i * widths[l + 1] + j], biases[l][j]),
      );
      zs.push(z);
      hs.push(l < layers - 1 ? z.map(phi.f) : z);
    }
    const logits = zs[layers - 1];
    const top = Math.max(...logits);
    const exps = logits.map((v) => Math.exp(v - top));
    const total = exps.reduce((a, b) => a + b, 0);
    let delta = exps.map((v, j) => (v / total - (j === labels[r] ? 1 : 0)) / x.length);
    for (let l = layers - 1; l >= 0; l--) {
      for (let i = 0; i < widths[l]; i++)
        for (let j = 0; j < widths[l + 1]; j++) gw[l][i * widths[l + 1] + j] += hs[l][i] * delta[j];
      for (let j = 0; j < widths[l + 1]; j++) gb[l][j] += delta[j];
      if (l > 0) {
        const below = zs[l - 1];
        delta = below.map(
          (z, i) => phi.df(z) * delta.reduce((sum, d, j) => sum + d * weights[l][i * widths[l + 1] + j], 0),
        );
      }
    }
  }
  return { weights: gw, biases: gb };
}

function tinyConfig(optimizer: object): ExperimentConfig {
  const parsed = parseConfig({
    seed: 11,
    depth: 2,
    width: 4,
    bias: 0.05,
    activation: 'tanh',
    init: { kind: 'xavier-normal' },
    train: {
      dataset: { kind: 'blobs', size: 16, classes: 3, test: 0.25 },
      optimizer,
      batch: 4,
      steps: 5,
      evalEvery: 5,
    },
  });
  if (!parsed.ok) throw new Error(parsed.errors.map(formatError).join('; '));
  return parsed.config;
}

/** Replays `steps` updates of the config's one series by hand and returns its parameters. */
function replay(config: ExperimentConfig, init: { weights: Float64Array[]; biases: Float64Array[] }, steps: number) {
  const data = makeDataset(config.train.dataset, config.seed);
  const widths = [data.dim, config.width, config.width, data.outputs];
  const phi = bindActivation(config.activation, config);
  const batches = new Minibatches(config.seed, data.train.rows, config.train.batch);
  const weights = init.weights.map((w) => w.slice());
  const biases = init.biases.map((b) => b.slice());
  const params = [...weights, ...biases];
  const [first, second] = [params.map((p) => p.map(() => 0)), params.map((p) => p.map(() => 0))];
  const opt = config.train.optimizer;
  for (let t = 1; t <= steps; t++) {
    const rows = [...batches.rowsOf(t - 1)];
    const x = rows.map((r) => [...data.train.x.subarray(r * data.dim, (r + 1) * data.dim)]);
    const g = referenceGradient(
      weights,
      biases,
      widths,
      phi,
      x,
      rows.map((r) => data.train.y[r]),
    );
    const grads = [...g.weights, ...g.biases];
    params.forEach((p, k) => {
      for (let e = 0; e < p.length; e++) {
        const ge = grads[k][e];
        if (opt.kind === 'sgd') {
          first[k][e] = t === 1 ? ge : opt.momentum * first[k][e] + ge;
          p[e] -= opt.lr * (opt.nesterov ? ge + opt.momentum * first[k][e] : first[k][e]);
        } else {
          first[k][e] = opt.beta1 * first[k][e] + (1 - opt.beta1) * ge;
          second[k][e] = opt.beta2 * second[k][e] + (1 - opt.beta2) * ge * ge;
          const mHat = first[k][e] / (1 - opt.beta1 ** t);
          const vHat = second[k][e] / (1 - opt.beta2 ** t);
          p[e] -= (opt.lr * mHat) / (Math.sqrt(vHat) + opt.eps);
        }
      }
    });
  }
  return { weights, biases };
}

/**
 * The trainer and the replay order their sums differently and group Adam's bias corrections as torch.optim does
 * versus m̂/(√v̂ + ε): rounding of a few ulps per operation, over five steps of a 2 × 4 network, stays far below 1e-12
 * of the parameters' scale, while any wrong rule (a missing bias correction, μ applied at step 1) is off by > 1e-3.
 */
const REPLAY_TOLERANCE = 1e-12;

describe('the CPU trainer follows torch.optim step by step', () => {
  const optimizers = [
    { kind: 'sgd', lr: 0.3, momentum: 0 },
    { kind: 'sgd', lr: 0.2, momentum: 0.9 },
    { kind: 'sgd', lr: 0.2, momentum: 0.8, nesterov: true },
    { kind: 'adam', lr: 0.05 },
    { kind: 'adam', lr: 0.02, beta1: 0.8, beta2: 0.99, eps: 1e-6 },
  ];
  for (const optimizer of optimizers) {
    it(`${JSON.stringify(optimizer)}: five updates equal a hand-written float64 replay`, async () => {
      const config = tinyConfig(optimizer);
      const session = await new CpuEngine().train(config);
      const init = await session.parameters(0);
      await session.advance(5);
      const trained = await session.parameters(0);
      const expected = replay(config, init, 5);
      const scale = Math.max(...trained.weights.flatMap((w) => [...w].map(Math.abs)));
      for (const kind of ['weights', 'biases'] as const) {
        trained[kind].forEach((tensor, l) => {
          expect(tensor.some((v, e) => v !== init[kind][l][e])).toBe(true);
          tensor.forEach((v, e) => {
            expect(Math.abs(v - expected[kind][l][e])).toBeLessThan(REPLAY_TOLERANCE * scale);
          });
        });
      }
      session.dispose();
    });
  }
});
