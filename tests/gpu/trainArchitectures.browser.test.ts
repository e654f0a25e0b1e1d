/**
 * The GPU trainer trains every architecture (src/lab/architecture.ts) as the float64 CPU trainer does: residual
 * networks without normalization, with LayerNorm and with BatchNorm, zero-initialized branches with α = 1/√L, and
 * plain networks with LayerNorm and BatchNorm, each judged by compareTraining — the rule `npm run train -- --engine
 * both` applies: every evaluated loss and per-layer figure (a block's stream and branch included) within 1e-4
 * relative with SGD and 1e-3 with Adam, the plain MLP's bars (compareTraining.ts says why those).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { compareTraining, TRAIN_TOLERANCES } from '../../src/lab/compareTraining';
import { batchRows, type ExperimentConfig } from '../../src/lab/config';
import { trainToEnd } from '../../src/lab/training';
import { estimateTraining } from '../../src/lab/trainWork';
import { config } from './agreement';

const gpu = await GpuEngine.create();
const cpu = new CpuEngine();
afterAll(() => gpu.dispose());

const spirals = { kind: 'spirals', size: 200, noise: 0.1, test: 0.2 };
const sgd = { kind: 'sgd', lr: 0.05, momentum: 0.9 };
const adam = { kind: 'adam', lr: 0.01 };

function trainingOf(architecture: object, optimizer: object, extra: object = {}): ExperimentConfig {
  return config({
    depth: 3,
    width: 32,
    sweep: [{ kind: 'he-normal' }, { kind: 'xavier-uniform' }],
    architecture,
    train: { dataset: spirals, batch: 16, steps: 12, evalEvery: 4, optimizer },
    ...extra,
  });
}

async function compare(c: ExperimentConfig) {
  const [reference, candidate] = [await trainToEnd(cpu, c), await trainToEnd(gpu, c)];
  const comparison = compareTraining(reference, candidate);
  const w = comparison.worst;
  const message = `${comparison.failures.length} failures; worst ${w?.figure} at step ${w?.step}: ${w?.difference}`;
  console.log(
    `${JSON.stringify(c.architecture)}, ${c.train.optimizer.kind}: ${comparison.compared} figures, ${message}`,
  );
  return { comparison, message, reference, candidate };
}

/** Every series recorded every entry, each with depth + 1 layers, a residual block's stream and branch beside. */
function expectEntries(c: ExperimentConfig, candidate: Awaited<ReturnType<typeof compare>>['candidate']) {
  for (const series of candidate.series) {
    expect(series.history.map((e) => e.step)).toEqual([0, 4, 8, 12]);
    for (const entry of series.history) {
      expect(entry.layers).toHaveLength(c.depth + 1);
      const blocks = entry.layers.slice(0, c.depth);
      const residual = c.architecture.kind === 'residual';
      expect(blocks.every((l) => (l.stream !== undefined && l.branch !== undefined) === residual)).toBe(true);
    }
  }
}

describe('the GPU trainer trains every architecture as the float64 reference does', () => {
  for (const [architecture, optimizer, name] of [
    [{ kind: 'residual' }, sgd, 'residual, SGD'],
    [{ kind: 'residual', norm: 'layer' }, adam, 'residual with LayerNorm, Adam'],
    [{ kind: 'residual', norm: 'batch' }, sgd, 'residual with BatchNorm, SGD'],
    [{ norm: 'layer' }, sgd, 'plain with LayerNorm, SGD'],
    [{ norm: 'batch' }, sgd, 'plain with BatchNorm, SGD'],
  ] as const) {
    it(`${name}: every entry's figures within the plain MLP's bars`, async () => {
      const c = trainingOf(architecture, optimizer);
      const { comparison, message, candidate } = await compare(c);
      expect(comparison.verdict, message).toBe('agree');
      expectEntries(c, candidate);
    });
  }

  it('zero-initialized branches, α = 1/√L, Adam: agree, the blocks’ gradients at step 0 listed apart', async () => {
    const c = trainingOf({ kind: 'residual', branchScale: '1/sqrt(depth)', zeroInitLast: true }, adam);
    const { comparison, message, candidate } = await compare(c);
    // W_{l,2} = 0 sends no gradient to W_{l,1} before the first update: exactly 0 in exact arithmetic and rounding
    // in both engines, which compareTraining lists apart as not comparable.
    expect(comparison.verdict, message).toBe('agree-where-held');
    expect(comparison.notComparable.length).toBeGreaterThan(0);
    for (const apart of comparison.notComparable) {
      expect(apart.step).toBe(0);
      expect(apart.reason).toMatch(/^layer [1-3] weightGrad\.meanSq: both runs below/);
    }
    expectEntries(c, candidate);
  });

  it('plain with BatchNorm, Adam: agree, the biases before each BatchNorm untrained on both', async () => {
    const c = trainingOf({ norm: 'batch' }, adam);
    const { comparison, candidate } = await compare(c);
    // Their gradient is 0 in exact arithmetic (training.ts): Adam would turn either engine's rounding into steps.
    expect(comparison.verdict, JSON.stringify(comparison.failures.slice(0, 3))).toBe('agree');
    expectEntries(c, candidate);
  });

  it('residual with BatchNorm, Adam: judged at step 0 only, the later entries listed apart with the reason', async () => {
    const c = trainingOf({ kind: 'residual', norm: 'batch' }, adam);
    const { comparison, candidate } = await compare(c);
    expect(comparison.comparedSteps).toBe(0);
    expect(comparison.verdict, JSON.stringify(comparison.failures.slice(0, 3))).toBe('agree-where-held');
    expect(comparison.notComparable.map((n) => [n.series, n.step])).toEqual([
      [0, 4],
      [1, 4],
    ]);
    expect(comparison.notComparable[0].reason).toMatch(/gradient is 0 in exact arithmetic/);
    expectEntries(c, candidate);
  });

  it('the coordinate check and regression under μP (readout at 0), residual LayerNorm and plain BatchNorm', async () => {
    for (const architecture of [{ kind: 'residual', norm: 'layer' }, { norm: 'batch' }]) {
      const c = config({
        depth: 2,
        width: 32,
        sweep: [{ kind: 'he-normal' }],
        architecture,
        parametrization: { kind: 'mup', baseWidth: 32, readoutZero: true },
        train: {
          dataset: { kind: 'teacher', size: 120, dim: 6, classes: 0, noise: 0.1 },
          batch: 20,
          steps: 4,
          evalEvery: 1,
          coordCheck: true,
          optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.5 },
        },
      });
      const { comparison, message, candidate } = await compare(c);
      // The zero readout sends no gradient into the body before the first update (as for the plain MLP's μP check).
      expect(comparison.verdict, message).toBe('agree-where-held');
      for (const apart of comparison.notComparable) expect(apart.step).toBe(0);
      const last = candidate.series[0].history[4];
      expect(last.layers.every((l) => l.delta !== undefined && l.delta.meanAbs > 0)).toBe(true);
    }
  });

  it("a trained BatchNorm residual network's outputs on points and its parameters are the CPU trainer's", async () => {
    const c = trainingOf({ kind: 'residual', norm: 'batch', branchScale: 0.5 }, sgd);
    const [onCpu, onGpu] = [await cpu.train(c), await gpu.train(c)];
    try {
      await onCpu.advance(8);
      await onGpu.advance(8);
      // Points of the plane, normalized by BatchNorm as one batch by both trainers.
      const points = Float64Array.from({ length: 2 * 50 }, (_, i) => Math.sin(1.7 * i) * 1.5);
      const [reference, candidate] = [await onCpu.forward(1, points, true), await onGpu.forward(1, points, true)];
      expect(candidate.pre).toHaveLength(c.depth + 1);
      // Within float32's rounding carried through 8 updates: 1e-4 of the values' RMS, the SGD bar.
      const rms = (values: Float64Array) => Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / values.length);
      const near = (got: Float64Array, want: Float64Array, what: string, scale = rms(want)) => {
        const worst = got.reduce((most, v, i) => Math.max(most, Math.abs(v - want[i])), 0);
        expect(worst / scale, what).toBeLessThan(TRAIN_TOLERANCES.sgd);
      };
      near(candidate.outputs, reference.outputs, 'outputs');
      for (const [l, pre] of candidate.pre.entries()) near(pre, reference.pre[l], `Z of layer ${l + 1}`);
      const [want, got] = [await onCpu.parameters(1), await onGpu.parameters(1)];
      // W_in, two matrices per block and the readout.
      expect(got.weights).toHaveLength(2 * c.depth + 2);
      for (const [k, w] of got.weights.entries()) near(w, want.weights[k], `W${k + 1}`);
      // W_in's and every W_{l,2}'s bias is not trained (BatchNorm reads the stream: training.ts), and a W_{l,1} bias
      // whose unit is active on every row of a minibatch has gradient 0 in exact arithmetic, so it holds rounding
      // alone: biases are judged against all biases' size.
      const biasScale = rms(Float64Array.from(want.biases.flatMap((b) => [...b])));
      for (const [k, b] of got.biases.entries()) near(b, want.biases[k], `b${k + 1}`, biasScale);
    } finally {
      onCpu.dispose();
      onGpu.dispose();
    }
  });

  it("estimates a BatchNorm training whose config's own input is the seed's single row", async () => {
    // A run refuses to normalize one row; training normalizes minibatches, so its estimate must not run that row.
    const c = trainingOf({ norm: 'batch' }, sgd);
    expect(batchRows(c)).toBe(1);
    await expect(gpu.estimate(c)).rejects.toThrow(/BatchNorm normalizes each unit over the batch/);
    const estimate = await estimateTraining(gpu, c);
    expect(estimate.seconds).toBeGreaterThan(0);
  });

  it('refuses, in words, a BatchNorm training whose whole set does not fit one buffer', async () => {
    const small = await GpuEngine.create({ bufferBudget: 64 * 1024 });
    try {
      const c = trainingOf({ norm: 'batch' }, sgd, { width: 64, train: { dataset: { ...spirals, size: 2000 } } });
      await expect(small.train(c)).rejects.toThrow(
        /does not fit the GPU memory it may use: .* \(an evaluation runs each set, 1600 rows, through the network as one batch\)/,
      );
    } finally {
      small.dispose();
    }
  });
});
