/**
 * The CPU trainer on residual and normalized networks: the history training.ts defines for them (a block per layer,
 * its stream), what zero-init-last starts from, and BatchNorm's evaluation of a whole set as one batch. Gradients
 * themselves are checked against finite differences in trainGradients.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { type ExperimentConfig, formatError, parseConfig } from '../../src/lab/config';
import { makeDataset } from '../../src/lab/datasets';
import { trainToEnd } from '../../src/lab/training';

const engine = new CpuEngine();

function config(architecture: object, overrides: object = {}): ExperimentConfig {
  const parsed = parseConfig({
    depth: 3,
    width: 16,
    activation: 'relu',
    init: { kind: 'he-normal' },
    architecture,
    train: {
      dataset: { kind: 'blobs', size: 160, classes: 3 },
      optimizer: { kind: 'adam', lr: 0.01 },
      batch: 16,
      steps: 40,
      evalEvery: 20,
    },
    ...overrides,
  });
  if (!parsed.ok) throw new Error(parsed.errors.map(formatError).join('; '));
  return parsed.config;
}

describe('a residual network trains on the CPU, its blocks the layers of the history', () => {
  it('zero-init-last starts every stream at x_1 exactly, and training moves the streams apart', async () => {
    const result = await trainToEnd(engine, config({ kind: 'residual', zeroInitLast: true }));
    const [first, , last] = result.series[0].history;
    expect(first.layers.map((l) => l.layer)).toEqual([1, 2, 3, 4]);
    // W_{l,2} = 0 and b = 0: every branch adds exactly 0, so x_2 = x_3 = x_4 = x_1 bit for bit.
    const streams = first.layers.slice(0, 3).map((l) => l.stream);
    expect(streams[1]).toEqual(streams[0]);
    expect(streams[2]).toEqual(streams[0]);
    for (const layer of first.layers.slice(0, 3)) expect(layer.branch).toEqual({ mean: 0, var: 0, meanSq: 0 });
    expect(first.layers[3].stream).toBeUndefined();
    expect(first.layers[3].branch).toBeUndefined();
    expect(last.layers[2].stream!.meanSq).not.toBe(last.layers[0].stream!.meanSq);
    expect(last.trainLoss).toBeLessThan(first.trainLoss);
  });

  it('a plain network records no stream and no branch', async () => {
    const result = await trainToEnd(engine, config({ kind: 'plain', norm: 'layer' }));
    for (const layer of result.series[0].history[0].layers)
      expect([layer.stream, layer.branch]).toEqual([undefined, undefined]);
  });

  it('each stream is the one before plus its branch: the means add up', async () => {
    const [entry] = (await trainToEnd(engine, config({ kind: 'residual', branchScale: 0.5 }))).series[0].history;
    for (const l of [1, 2]) {
      const [before, after] = [entry.layers[l - 1].stream!, entry.layers[l].stream!];
      // Means over the same elements in the same order: float64 sums of ~2·10³ terms, ~1e-13 relative apart.
      expect(after.mean).toBeCloseTo(before.mean + entry.layers[l].branch!.mean, 12);
      expect(entry.layers[l].branch!.meanSq).toBeGreaterThan(0);
    }
  });

  for (const norm of ['none', 'layer', 'batch'] as const) {
    it(`residual, norm ${norm}: the loss falls and every stream moment is recorded`, async () => {
      const result = await trainToEnd(engine, config({ kind: 'residual', branchScale: '1/sqrt(depth)', norm }));
      const history = result.series[0].history;
      expect(result.series[0].outcome.status).not.toBe('diverged');
      expect(history.at(-1)!.trainLoss).toBeLessThan(0.7 * history[0].trainLoss);
      for (const entry of history)
        for (const layer of entry.layers.slice(0, 3)) expect(layer.stream!.meanSq).toBeGreaterThan(0);
    });
  }
});

describe('BatchNorm evaluates the training set as one batch', () => {
  it("the session's forward on the training points gives the last entry's loss", async () => {
    const c = config({ kind: 'plain', norm: 'batch' });
    const session = await engine.train(c);
    const { series } = await session.advance(c.train.steps);
    const data = makeDataset(c.train.dataset, c.seed);
    const { outputs } = await session.forward(0, data.train.x, false);
    let loss = 0;
    for (let r = 0; r < data.train.rows; r++) {
      const row = outputs.subarray(3 * r, 3 * r + 3);
      const top = Math.max(...row);
      loss += top + Math.log(row.reduce((s, v) => s + Math.exp(v - top), 0)) - row[data.train.y[r]];
    }
    // The same float64 sums in another order: a few ulps apart.
    expect(loss / data.train.rows).toBeCloseTo(series[0].history.at(-1)!.trainLoss, 12);
  });
});
