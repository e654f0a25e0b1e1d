/** The CPU trainer's sessions: history and outcome as training.ts defines them, pacing, cancels, divergence, symmetry. */
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { layerBiases } from '../../src/lab/bias';
import { type ExperimentConfig, formatError, parseConfig } from '../../src/lab/config';
import { makeDataset } from '../../src/lab/datasets';
import { CancelledError, type Progress } from '../../src/lab/engine';
import { evaluationSteps, outcomeOf, trainToEnd } from '../../src/lab/training';

const engine = new CpuEngine();

function config(raw: object): ExperimentConfig {
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error(parsed.errors.map(formatError).join('; '));
  return parsed.config;
}

const blobs = (overrides: object = {}) =>
  config({
    depth: 3,
    width: 8,
    activation: 'tanh',
    sweep: [{ kind: 'he-normal' }, { kind: 'xavier-uniform' }],
    train: { dataset: { kind: 'blobs', size: 120, classes: 3 }, batch: 16, steps: 23, evalEvery: 5, ...overrides },
  });

describe('a CPU training session records what training.ts defines', () => {
  it('entries at 0, every evalEvery and the last step, each with depth + 1 layers (the readout last)', async () => {
    const c = blobs();
    const result = await trainToEnd(engine, c);
    expect(result).toMatchObject({ engine: 'cpu', step: 23, finished: true });
    for (const series of result.series) {
      expect(series.history.map((e) => e.step)).toEqual(evaluationSteps(23, 5));
      expect(series.outcome).toEqual(outcomeOf(series.history, c.train.targetLoss, null));
      for (const entry of series.history) {
        expect(entry.layers.map((l) => l.layer)).toEqual([1, 2, 3, 4]);
        expect(entry.trainAccuracy).toBeGreaterThanOrEqual(0);
        expect(entry.testAccuracy).toBeLessThanOrEqual(1);
        for (const layer of entry.layers) {
          expect(layer.weightGrad.meanSq).toBeGreaterThan(0);
          if (entry.step === 0) expect(layer.updateRatio).toBeNull();
          else expect(layer.updateRatio).toBeGreaterThan(0);
        }
      }
    }
  });

  it('regression on a teacher has accuracies of null and a mean-squared-error loss', async () => {
    const c = config({
      depth: 2,
      width: 8,
      init: { kind: 'lecun-normal' },
      train: { dataset: { kind: 'teacher', size: 60, dim: 3, classes: 0, depth: 1, width: 4 }, batch: 8, steps: 4 },
    });
    const { series } = await trainToEnd(engine, c);
    expect(series[0].history.map((e) => [e.trainAccuracy, e.testAccuracy])).toEqual([
      [null, null],
      [null, null],
    ]);
  });

  it('advancing in pieces gives, bit for bit, the history and weights of one advance to the end', async () => {
    const whole = await engine.train(blobs());
    const pieces = await engine.train(blobs());
    await whole.advance(23);
    for (const steps of [0, 7, 0, 9, 100]) await pieces.advance(steps);
    expect(pieces.snapshot()).toEqual(whole.snapshot());
    expect(await pieces.parameters(1)).toEqual(await whole.parameters(1));
  });

  it('advance(0) at the start takes the entry at step 0 and nothing else', async () => {
    const session = await engine.train(blobs());
    expect(session.snapshot().series[0].history).toEqual([]);
    const snapshot = await session.advance(0);
    expect(snapshot.step).toBe(0);
    expect(snapshot.series[0].history.map((e) => e.step)).toEqual([0]);
  });

  it('reports progress in multiply–adds with the step, ending at the total', async () => {
    const seen: Progress[] = [];
    const big = config({
      depth: 4,
      width: 64,
      train: { dataset: { kind: 'circles', size: 1000 }, batch: 128, steps: 6, evalEvery: 3 },
    });
    const session = await engine.train(big);
    await session.advance(6, { onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((p) => p.done <= p.total && p.step !== undefined)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ done: seen[0].total, step: 6 });
  });
});

describe('a cancelled advance', () => {
  const big = () =>
    config({
      depth: 4,
      width: 64,
      sweep: [{ kind: 'he-normal' }, { kind: 'normal', sigma: 0.05 }],
      train: { dataset: { kind: 'circles', size: 1000 }, batch: 128, steps: 8, evalEvery: 4 },
    });

  it('rejects with CancelledError and leaves a session that finishes exactly as an uncancelled one', async () => {
    const session = await engine.train(big());
    const controller = new AbortController();
    let reports = 0;
    const cancelled = session.advance(8, {
      signal: controller.signal,
      // Cancel a few yields in, inside an update rather than at its start.
      onProgress: () => ++reports === 3 && controller.abort(),
    });
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    const partway = session.snapshot();
    expect(partway.step).toBeLessThan(8);
    expect(new Set(partway.series.map((s) => s.history.length)).size).toBe(1);
    const finished = await session.advance(8);
    const reference = await engine.train(big());
    expect(finished).toEqual(await reference.advance(8));
  });

  it('is refused at once when its signal has already aborted', async () => {
    const session = await engine.train(blobs());
    const controller = new AbortController();
    controller.abort();
    await expect(session.advance(5, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(session.snapshot().series[0].history).toEqual([]);
  });
});

/** Every number in a value that is NaN or ±Infinity, wherever it sits. */
function nonFiniteNumbers(value: unknown): number[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(nonFiniteNumbers);
  return [];
}

describe('divergence', () => {
  it('a huge learning rate is marked diverged at the update that broke it, with nothing non-finite recorded', async () => {
    const c = config({
      depth: 3,
      width: 16,
      init: { kind: 'he-normal' },
      train: {
        dataset: { kind: 'teacher', size: 200, dim: 4, classes: 0, depth: 1, width: 8 },
        optimizer: { kind: 'sgd', lr: 50 },
        batch: 16,
        steps: 30,
        evalEvery: 1,
      },
    });
    const result = await trainToEnd(engine, c);
    const { outcome, history } = result.series[0];
    expect(outcome.status).toBe('diverged');
    expect(outcome.step).toBeGreaterThan(0);
    // Entries every step: the last one recorded is the network just before the diverging update (or entry).
    expect(history.at(-1)!.step).toBe(outcome.step! - 1);
    expect(result.finished).toBe(true);
    expect(nonFiniteNumbers(result)).toEqual([]);
  });
});

describe('symmetry survives training: equal starting weights keep every hidden unit of a layer identical', () => {
  for (const init of [{ kind: 'zeros' }, { kind: 'constant', value: 0.3 }]) {
    for (const optimizer of [
      { kind: 'sgd', lr: 0.1, momentum: 0.9 },
      { kind: 'adam', lr: 0.01 },
    ]) {
      it(`${init.kind}, ${optimizer.kind}: bit for bit after 30 updates that did change the weights`, async () => {
        const c = config({
          depth: 3,
          width: 6,
          bias: 0.1,
          activation: 'tanh',
          init,
          train: { dataset: { kind: 'blobs', size: 100, classes: 3 }, optimizer, batch: 10, steps: 30 },
        });
        const session = await engine.train(c);
        const before = await session.parameters(0);
        await session.advance(30);
        const { weights, biases } = await session.parameters(0);
        expect(weights[0]).not.toEqual(before.weights[0]);
        for (let l = 0; l < c.depth; l++) {
          const units = c.width;
          const fanIn = weights[l].length / units;
          for (let i = 0; i < fanIn; i++)
            for (let j = 1; j < units; j++) expect(weights[l][i * units + j]).toBe(weights[l][i * units]);
          expect(new Set(biases[l]).size).toBe(1);
          const fanOut = weights[l + 1].length / units;
          for (let j = 1; j < units; j++)
            expect(weights[l + 1].subarray(j * fanOut, (j + 1) * fanOut)).toEqual(weights[l + 1].subarray(0, fanOut));
        }
        const points = makeDataset(c.train.dataset, c.seed).train.x;
        const { pre } = await session.forward(0, points, true);
        for (const z of pre.slice(0, c.depth)) {
          for (let e = 0; e < z.length; e++) expect(z[e]).toBe(z[e - (e % c.width)]);
        }
      });
    }
  }
});

describe('forward and parameters', () => {
  it("forward on the training points gives the last entry's loss and the moments of every Z_l", async () => {
    const c = blobs();
    const session = await engine.train(c);
    const { series } = await session.advance(23);
    const data = makeDataset(c.train.dataset, c.seed);
    const { outputs, pre } = await session.forward(0, data.train.x, true);
    const last = series[0].history.at(-1)!;
    let loss = 0;
    for (let r = 0; r < data.train.rows; r++) {
      const row = outputs.subarray(3 * r, 3 * r + 3);
      const top = Math.max(...row);
      loss += top + Math.log(row.reduce((s, v) => s + Math.exp(v - top), 0)) - row[data.train.y[r]];
    }
    // The same float64 sums in another order: a few ulps apart.
    expect(loss / data.train.rows).toBeCloseTo(last.trainLoss, 12);
    pre.forEach((z, l) => {
      expect(z.reduce((s, v) => s + v, 0) / z.length).toBeCloseTo(last.layers[l].pre.mean, 12);
    });
    expect((await session.forward(0, data.train.x, false)).pre).toEqual([]);
  });

  it('parameters are copies in the [n_in × n_out] layout; bad requests and closed sessions get sentences', async () => {
    const session = await engine.train(blobs());
    const p = await session.parameters(1);
    expect(p.weights.map((w) => w.length)).toEqual([2 * 8, 8 * 8, 8 * 8, 8 * 3]);
    expect(p.biases.map((b) => b.length)).toEqual([8, 8, 8, 3]);
    p.weights[0].fill(123);
    expect((await session.parameters(1)).weights[0][0]).not.toBe(123);
    await expect(session.parameters(2)).rejects.toThrow('series = 2: one of 0 … 1');
    await expect(session.forward(0, new Float64Array(3), false)).rejects.toThrow('not whole points of 2 inputs');
    await expect(session.advance(-1)).rejects.toThrow('steps = -1');
    session.dispose();
    await expect(session.advance(1)).rejects.toThrow('The training session was closed.');
  });

  it("a random bias starts every hidden and readout unit at trial 0's draw, the same in every series", async () => {
    const c = blobs();
    const session = await engine.train({ ...c, bias: { kind: 'normal', sigma: 0.3 } });
    const widths = [8, 8, 8, 3];
    for (const series of [0, 1]) {
      const { biases } = await session.parameters(series);
      for (const [i, b] of biases.entries())
        expect(b).toEqual(layerBiases({ kind: 'normal', sigma: 0.3 }, c.seed, 0, i + 1, widths[i]));
    }
    expect(new Set((await session.parameters(0)).biases[1]).size).toBe(8);
    session.dispose();
  });
});
