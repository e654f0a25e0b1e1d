/**
 * The GPU's NetworkPass computes every architecture as the float64 reference does: each forward and backward
 * statistic of every layer, and the gradients a trainer keeps, from the same weights and input; and its
 * normalization kernels are N and N's derivative.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { acquireDevice } from '../../src/gpu/device';
import { compileKernels, passKernels } from '../../src/gpu/kernels';
import { decodeState } from '../../src/gpu/layerState';
import { PassBuffers } from '../../src/gpu/networkPass';
import { NormalizeBackwardKernel } from '../../src/gpu/normalizeBackwardKernel';
import { NormalizeKernel } from '../../src/gpu/normalizeKernel';
import type { ExperimentConfig } from '../../src/lab/config';
import { normalize } from '../../src/lab/normalization';
import { config } from './agreement';
import {
  type CpuRun,
  cpuRun,
  download,
  float32Normals,
  type GpuRun,
  gpuRun,
  passNetwork,
  upload,
  zeros,
} from './passHarness';

// The reference computes on the weights the GPU holds: its own draws, rounded to float32.
vi.mock('../../src/lab/sampling', async (importOriginal) => {
  const sampling = await importOriginal<typeof import('../../src/lab/sampling')>();
  const sampleWeights: typeof sampling.sampleWeights = (...args) =>
    Float64Array.from(Float32Array.from(sampling.sampleWeights(...args)));
  return { ...sampling, sampleWeights };
});

const gpu = await acquireDevice();
const kernels = await passKernels(gpu.device, await compileKernels(gpu.device));
afterAll(() => gpu.device.destroy());

/**
 * Relative difference allowed in a mean of squares, the engines' bar: sums of ≤ 80 float32 terms per element through
 * depth 3 round at ~1e-6 against float64 arithmetic on the same weights and input. The worst seen is 1.6e-7.
 */
const STATISTIC = 1e-4;
/** Largest difference of an element (a kept gradient, top(), N's derivative), relative to its RMS: the same
 *  rounding; the worst seen is 3.5e-6 (a kept gradient of a LayerNorm GELU residual network). */
const ELEMENT = 1e-4;

const cases = [
  ['plain, no N, ReLU', { kind: 'plain' }, {}],
  ['plain, LayerNorm, ReLU', { kind: 'plain', norm: 'layer' }, {}],
  ['plain, BatchNorm, tanh', { kind: 'plain', norm: 'batch' }, { activation: 'tanh' }],
  [
    'plain, BatchNorm, ReLU, 80 rows × 72 units (two tiles each way)',
    { kind: 'plain', norm: 'batch' },
    { width: 72, rows: 80 },
  ],
  ['residual, no N, ReLU, α = 0.5, bias 0.1', { kind: 'residual', branchScale: 0.5 }, { bias: 0.1 }],
  ['residual, LayerNorm, GELU, ε = 0.01', { kind: 'residual', norm: 'layer', eps: 0.01 }, { activation: 'gelu' }],
  ['residual, LayerNorm, ReLU, 80 rows × 72 units', { kind: 'residual', norm: 'layer' }, { width: 72, rows: 80 }],
  [
    'residual, BatchNorm, tanh, α = 1/√L',
    { kind: 'residual', norm: 'batch', branchScale: '1/sqrt(depth)' },
    { activation: 'tanh' },
  ],
  [
    'residual, zero-init-last, LayerNorm, tanh',
    { kind: 'residual', norm: 'layer', zeroInitLast: true },
    { activation: 'tanh' },
  ],
] as const;

/** Depth 3, 24 rows and 40 units unless the case says. */
function experiment(architecture: object, { rows = 24, ...raw }: { rows?: number; [field: string]: unknown }) {
  const input = { distribution: 'normal', batch: rows, width: 9 };
  const c = config({ width: 40, depth: 3, input, init: { kind: 'he-normal' }, architecture, ...raw });
  return { c, rows };
}

const meanSquare = (values: ArrayLike<number>) => Array.from(values).reduce((sum, v) => sum + v * v, 0) / values.length;
const gpuMeanSquare = (p: { count: number; mean: number; m2: number }) => p.m2 / p.count + p.mean * p.mean;

/** |gpu − cpu| / cpu, 0 when both are 0. */
function relative(gpuValue: number, cpuValue: number): number {
  if (cpuValue === 0) return gpuValue === 0 ? 0 : Number.POSITIVE_INFINITY;
  return Math.abs(gpuValue - cpuValue) / Math.abs(cpuValue);
}

/** The worst element of a GPU matrix against the reference, relative to the reference's RMS or a larger scale. */
function worstElement(gpuValues: Float32Array, cpuValues: Float64Array, scale = 0): number {
  const rms = Math.max(scale, Math.sqrt(meanSquare(cpuValues)));
  let worst = 0;
  cpuValues.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(gpuValues[i] - v));
  });
  return rms === 0 ? worst : worst / rms;
}

/** Per layer and quantity, the relative difference of the GPU's mean of squares; range flags and counts checked. */
function statistics(c: ExperimentConfig, rows: number, cpu: CpuRun, result: GpuRun): Record<string, number> {
  const worst: Record<string, number> = {};
  const states = [result.forward, result.backward!];
  const slots = (l: number) =>
    c.architecture.kind === 'plain'
      ? ([[l - 1, 'pre', 'post', 'grad', 'weightGrad']] as const)
      : ([
          [l - 1, 'pre', 'post', 'grad', 'weightGrad'],
          [c.depth + l - 1, 'branch', 'stream', 'streamGrad', 'branchWeightGrad'],
        ] as const);
  for (let l = 1; l <= c.depth; l++) {
    const measured = [...cpu.forward[l - 1], ...cpu.backward[l - 1]];
    const reference = Object.fromEntries(measured.map((m) => [m.quantity, meanSquare(m.values)]));
    for (const [slot, ...quantities] of slots(l)) {
      const decoded = [0, 1].map((pass) =>
        decodeState(states[pass], slot, [quantities[2 * pass], quantities[2 * pass + 1]]),
      );
      expect(
        decoded.flatMap((d) => d.flags),
        `layer ${l}: no range flag`,
      ).toEqual([]);
      expect(decoded[0].a.count, 'every element counted once').toBe(rows * c.width);
      quantities.forEach((q, i) => {
        const partial = i % 2 === 0 ? decoded[i >> 1].a : decoded[i >> 1].b;
        worst[`${l} ${q}`] = relative(gpuMeanSquare(partial), reference[q]);
      });
    }
  }
  return worst;
}

describe('the GPU network pass computes every architecture as the float64 reference', () => {
  it.each(cases)('%s: every forward and backward statistic, and the kept gradients', async (_, architecture, raw) => {
    const { c, rows } = experiment(architecture, raw);
    // The LayerNorm residual networks start at ∂L/∂N(x_{L+1}), as a trainer's readout does; the others at x_{L+1}.
    const at = c.architecture.kind === 'residual' && c.architecture.norm === 'layer' ? 'top' : 'stream';
    const cpu = await cpuRun(c, rows, at);
    expect(
      cpu.weights.every((w) => w.every((v) => Math.fround(v) === v)),
      'the reference ran on float32 weights',
    ).toBe(true);
    const result = await gpuRun(gpu, kernels, c, cpu, rows, true);
    const worst = statistics(c, rows, cpu, result);
    expect(
      Object.entries(worst).filter(([, r]) => !(r <= STATISTIC)),
      JSON.stringify(worst),
    ).toEqual([]);
    const elements = cpu.gradients.map((expected, i) => [
      worstElement(result.gradients[i].weights, expected.weights),
      worstElement(result.gradients[i].biases, expected.biases, expected.biasScale),
    ]);
    expect(
      elements.flat().every((e) => e <= ELEMENT),
      `∂L/∂W, ∂L/∂b per address: ${elements}`,
    ).toBe(true);
    const top = worstElement(result.top, cpu.top);
    expect(top, 'top()').toBeLessThanOrEqual(ELEMENT);
  });

  it.each(cases)(
    '%s, forward without keep: the same states bit for bit, and the same top()',
    async (_, architecture, raw) => {
      const { c, rows } = experiment(architecture, raw);
      const cpu = await cpuRun(c, rows, 'stream');
      const [kept, alone] = [
        await gpuRun(gpu, kernels, c, cpu, rows, true),
        await gpuRun(gpu, kernels, c, cpu, rows, false),
      ];
      expect(alone.forward).toEqual(kept.forward);
      expect(alone.top).toEqual(kept.top);
    },
  );
});

it.each([true, false])('PassBuffers.bytes is what allocate takes, with keep %s', (keep) => {
  for (const [, architecture, raw] of cases) {
    const { c, rows } = experiment(architecture, raw);
    const net = passNetwork(c);
    const buffers = PassBuffers.allocate(gpu.device, net, rows, keep);
    const { input, pre, normalized, factors, streams, branch, gradients, partials, noSum } = buffers;
    const all = [input, ...pre, ...normalized, ...factors, ...streams, ...(branch ? [branch] : []), ...gradients];
    const allocated = [...all, partials, noSum].reduce((sum, b) => sum + b.size, 0);
    expect(PassBuffers.bytes(net, rows, keep)).toBe(allocated);
    buffers.destroy();
  }
});

describe('the GPU network pass flags what float32 cannot hold in the quantity that holds it', () => {
  it('plain LayerNorm, X·10^16: Z_1 beyond 2^48 flags layer 1 pre; φ(N(Z_1)) is held, so post is unflagged', async () => {
    const { c, rows } = experiment({ kind: 'plain', norm: 'layer' }, {});
    const cpu = await cpuRun(c, rows, 'stream');
    const result = await gpuRun(gpu, kernels, c, { ...cpu, input: cpu.input.map((x) => x * 1e16) }, rows, false);
    const [first, second] = [0, 1].map((slot) => decodeState(result.forward, slot, ['pre', 'post']));
    expect(first.flags).toEqual([{ quantity: 'pre', kind: 'overflow', precision: 'float32' }]);
    expect(second.flags).toEqual([]);
  });
});

/** Runs the normalize kernel, then its backward with ∂L/∂N = `gradient`, over a [rows × width] matrix. */
async function normalizeOnGpu(kind: 'layer' | 'batch', v: Float64Array, gradient: Float64Array, shape: number[]) {
  const [rows, width, eps] = shape;
  const [normalizeKernel, backwardKernel] = [
    await NormalizeKernel.create(gpu.device),
    await NormalizeBackwardKernel.create(gpu.device),
  ];
  const groups = kind === 'layer' ? rows : width;
  const values = upload(gpu, v);
  const [normalized, factors, output] = [zeros(gpu, v.length), zeros(gpu, groups), zeros(gpu, v.length)];
  const [partials, layerState, g] = [zeros(gpu, 6 * groups), zeros(gpu, 16), upload(gpu, gradient)];
  const step = { kind, rows, width, eps, activationId: 0, slope: 0, slot: 0, record: true };
  normalizeKernel.normalize({ values, normalized, factors, partials, layerState }, step);
  const backward = { gradient: g, normalized, factors, output, partials, layerState };
  backwardKernel.backward(backward, { kind, rows, width, accumulate: false, slot: 0 });
  const result = { normalized: await download(gpu, normalized), derivative: await download(gpu, output) };
  for (const b of [values, normalized, factors, output, partials, layerState, g]) b.destroy();
  return result;
}

describe("the normalization kernels are N and N's derivative", () => {
  it.each(['layer', 'batch'] as const)(
    '%s: ∂/∂v of Σ c ⊙ N(v) matches the float64 central difference (f(v + h) − f(v − h))/2h',
    async (kind) => {
      const [rows, width, eps] = [12, 10, 1e-3];
      const v = float32Normals(rows * width, 5).map((x, e) => x * (1 + (e % 3)) + 0.5);
      const c = float32Normals(rows * width, 7);
      const { derivative } = await normalizeOnGpu(kind, v, c, [rows, width, eps]);
      // h = 1e-5 leaves a truncation error of O(h²) and a rounding error of ~1e-16/h, both far below float32's.
      const h = 1e-5;
      const f = (x: Float64Array) =>
        normalize(kind, x, rows, width, eps).values.reduce((sum, y, e) => sum + c[e] * y, 0);
      const difference = Float64Array.from(v, (_, e) => {
        const [up, down] = [Float64Array.from(v), Float64Array.from(v)];
        up[e] += h;
        down[e] -= h;
        return (f(up) - f(down)) / (2 * h);
      });
      const worst = worstElement(derivative, difference);
      expect(worst).toBeLessThanOrEqual(ELEMENT);
    },
  );

  it('LayerNorm rows have mean 0 and second moment 1/(1 + ε/s²)', async () => {
    const [rows, width, eps] = [16, 32, 0.1];
    // Rows of variance from 0.01 to ~10: ε/s² from 10 to 0.01.
    const v = float32Normals(rows * width, 9).map((x, e) => x * 0.1 * 1.35 ** Math.floor(e / width) + 3);
    const { normalized } = await normalizeOnGpu('layer', v, new Float64Array(v.length), [rows, width, eps]);
    for (let r = 0; r < rows; r++) {
      const row = v.subarray(r * width, (r + 1) * width);
      const mean = row.reduce((sum, x) => sum + x, 0) / width;
      const variance = row.reduce((sum, x) => sum + (x - mean) ** 2, 0) / width;
      const y = Float64Array.from(normalized.subarray(r * width, (r + 1) * width));
      // float32 rounding of values near 3 (2^-22 of 3 against s ≥ 0.1) and of the row's sums.
      expect(Math.abs(y.reduce((sum, x) => sum + x, 0) / width), `row ${r} mean`).toBeLessThan(1e-5);
      expect(relative(meanSquare(y), 1 / (1 + eps / variance)), `row ${r} second moment`).toBeLessThan(1e-5);
    }
  });
});
