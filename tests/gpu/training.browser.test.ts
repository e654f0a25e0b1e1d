/**
 * The GPU trainer on its own: symmetry that training cannot break, divergence marked and never recorded, and the
 * history's losses equal to what its own forward pass gives. Its agreement with the float64 trainer: trainAgreement.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { type ExperimentConfig, parseConfig } from '../../src/lab/config';
import { makeDataset } from '../../src/lab/datasets';
import { trainToEnd } from '../../src/lab/training';

const engine = await GpuEngine.create();
afterAll(() => engine.dispose());

function config(input: Record<string, unknown>): ExperimentConfig {
  const parsed = parseConfig(input);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.config;
}

const blobs = { kind: 'blobs', size: 200, noise: 0.5, test: 0.25, classes: 3 };

describe('GPU trainer', () => {
  it('keeps every hidden unit of a layer identical when they start equal (constant init, SGD with momentum)', async () => {
    const c = config({
      depth: 3,
      width: 24,
      activation: 'tanh',
      sweep: [{ kind: 'constant', value: 0.2 }],
      train: {
        dataset: blobs,
        batch: 16,
        steps: 30,
        evalEvery: 10,
        optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 },
      },
    });
    const session = await engine.train(c);
    try {
      await session.advance(30);
      const { weights, biases } = await session.parameters(0);
      // Hidden layers 1 … depth: every column of W_l (a unit's incoming weights) and every b_l entry equal.
      for (let l = 0; l < c.depth; l++) {
        const [fanIn, fanOut] = [l === 0 ? 2 : c.width, c.width];
        for (let i = 0; i < fanIn; i++)
          for (let j = 1; j < fanOut; j++) expect(weights[l][i * fanOut + j]).toBe(weights[l][i * fanOut]);
        expect(new Set(biases[l]).size).toBe(1);
        // …while training did move them.
        expect(weights[l][0]).not.toBeCloseTo(0.2, 3);
      }
    } finally {
      session.dispose();
    }
  });

  it('marks a series that diverges with its step and records nothing after it', async () => {
    const c = config({
      depth: 4,
      width: 32,
      sweep: [{ kind: 'he-normal' }, { kind: 'normal', sigma: 1 }],
      train: { dataset: blobs, batch: 16, steps: 60, evalEvery: 1, optimizer: { kind: 'sgd', lr: 50, momentum: 0.9 } },
    });
    const result = await trainToEnd(engine, c);
    for (const series of result.series) {
      expect(series.outcome.status).toBe('diverged');
      const step = series.outcome.step!;
      expect(step).toBeGreaterThan(0);
      expect(step).toBeLessThanOrEqual(60);
      for (const entry of series.history) {
        expect(entry.step).toBeLessThan(step);
        expect(Number.isFinite(entry.trainLoss) && Number.isFinite(entry.testLoss)).toBe(true);
        // Near the end, activations may leave the range float32 statistics hold: then they are flagged.
        for (const layer of entry.layers)
          if (!layer.flags.some((f) => f.quantity === 'pre')) expect(Number.isFinite(layer.pre.meanSq)).toBe(true);
      }
    }
  });

  it("records the train loss its own forward pass gives on the train set, and trains He's network on blobs", async () => {
    const c = config({
      depth: 3,
      width: 48,
      sweep: [{ kind: 'he-normal' }],
      train: { dataset: blobs, batch: 20, steps: 40, evalEvery: 20, optimizer: { kind: 'adam', lr: 0.01 } },
    });
    const session = await engine.train(c);
    try {
      const snapshot = await session.advance(40);
      const last = snapshot.series[0].history.at(-1)!;
      expect(last.step).toBe(40);
      expect(last.trainLoss).toBeLessThan(0.5 * snapshot.series[0].history[0].trainLoss);
      const data = makeDataset(c.train.dataset, c.seed);
      const { outputs } = await session.forward(0, data.train.x, false);
      let loss = 0;
      let correct = 0;
      for (let r = 0; r < data.train.rows; r++) {
        const z = outputs.subarray(r * 3, r * 3 + 3);
        const top = Math.max(...z);
        const logSum = Math.log(z.reduce((s, v) => s + Math.exp(v - top), 0)) + top;
        loss += logSum - z[data.train.y[r]];
        if (z.indexOf(top) === data.train.y[r]) correct++;
      }
      expect(last.trainLoss).toBeCloseTo(loss / data.train.rows, 5);
      expect(last.trainAccuracy).toBeCloseTo(correct / data.train.rows, 6);
    } finally {
      session.dispose();
    }
  });

  it("measures the coordinate check's sizes and changes as its own forward pass gives them (μP, SGD)", async () => {
    const c = config({
      depth: 2,
      width: 32,
      sweep: [{ kind: 'he-normal' }],
      parametrization: { kind: 'mup', baseWidth: 16 },
      train: {
        dataset: blobs,
        batch: 20,
        steps: 3,
        evalEvery: 1,
        coordCheck: true,
        optimizer: { kind: 'sgd', lr: 0.5, momentum: 0 },
      },
    });
    const data = makeDataset(c.train.dataset, c.seed);
    const [initial, trained] = [await engine.train(c), await engine.train(c)];
    try {
      const { series } = await trained.advance(3);
      const history = series[0].history;
      expect(history.map((e) => e.step)).toEqual([0, 1, 2, 3]);
      for (const layer of history[0].layers) expect(layer.delta).toEqual({ meanAbs: 0, meanSq: 0 });
      const before = await initial.forward(0, data.train.x, true);
      const after = await trained.forward(0, data.train.x, true);
      const mean = (values: Float64Array, f: (x: number, i: number) => number) =>
        values.reduce((sum, x, i) => sum + f(x, i), 0) / values.length;
      history.at(-1)!.layers.forEach((layer, l) => {
        const z = after.pre[l];
        expect(layer.pre.meanAbs).toBeCloseTo(mean(z, Math.abs), 5);
        expect(layer.pre.meanSq / mean(z, (x) => x * x)).toBeCloseTo(1, 5);
        if (l < c.depth)
          expect(layer.post!.meanAbs).toBeCloseTo(
            mean(z, (x) => Math.max(x, 0)),
            5,
          );
        else expect(layer.post).toBeNull();
        const change = mean(z, (x, i) => Math.abs(x - before.pre[l][i]));
        expect(layer.delta!.meanAbs / change).toBeCloseTo(1, 4);
        expect(change).toBeGreaterThan(0);
      });
      // The weights reported are PyTorch's W: the readout's output multiplier 1/m (m = 2) applies on top of them.
      const { weights, biases } = await trained.parameters(0);
      const h = after.pre[c.depth - 1].map((x) => Math.max(x, 0));
      const row = 7;
      for (let k = 0; k < 3; k++) {
        let z = biases[c.depth][k];
        for (let j = 0; j < c.width; j++) z += 0.5 * h[row * c.width + j] * weights[c.depth][j * 3 + k];
        expect(z).toBeCloseTo(after.outputs[row * 3 + k], 4);
      }
    } finally {
      initial.dispose();
      trained.dispose();
    }
  });

  it('an update after an entry reuses the gradient the entry measured: the same weights, bit for bit, as without entries', async () => {
    const train = (evalEvery: number) =>
      config({
        depth: 3,
        width: 32,
        sweep: [{ kind: 'he-normal' }, { kind: 'xavier-uniform' }],
        train: { dataset: blobs, batch: 16, steps: 12, evalEvery, optimizer: { kind: 'adam', lr: 0.01 } },
      });
    const finalWeights = async (c: ExperimentConfig) => {
      const session = await engine.train(c);
      try {
        await session.advance(5);
        await session.advance(7);
        return [await session.parameters(0), await session.parameters(1)];
      } finally {
        session.dispose();
      }
    };
    const [everyStep, atTheEnds] = [await finalWeights(train(1)), await finalWeights(train(100))];
    for (const [s, p] of everyStep.entries()) {
      for (const [l, w] of p.weights.entries()) expect(w, `series ${s}, W${l + 1}`).toEqual(atTheEnds[s].weights[l]);
      for (const [l, b] of p.biases.entries()) expect(b, `series ${s}, b${l + 1}`).toEqual(atTheEnds[s].biases[l]);
    }
  });

  it('refuses, in words, a training that does not fit the memory budget', async () => {
    const c = config({
      depth: 2,
      width: 8192,
      sweep: [{ kind: 'he-normal' }, { kind: 'he-uniform' }],
      train: { dataset: blobs, batch: 16, steps: 1, optimizer: { kind: 'adam', lr: 0.01 } },
    });
    await expect(engine.train(c)).rejects.toThrow(/does not fit the GPU memory it may use.*Lower width/);
  });
});
