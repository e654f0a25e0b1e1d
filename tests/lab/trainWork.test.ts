import { describe, expect, it } from 'vitest';
import { formatError, parseConfig } from '../../src/lab/config';
import { evaluationSteps } from '../../src/lab/training';
import {
  advanceWork,
  entriesBetween,
  entryWork,
  forwardPerRow,
  gridAdvanceWork,
  minibatchWork,
  trainMatrices,
  trainWork,
} from '../../src/lab/trainWork';

const config = (() => {
  const parsed = parseConfig({
    depth: 3,
    width: 16,
    sweep: [{ kind: 'he-normal' }, { kind: 'zeros' }],
    train: { dataset: { kind: 'blobs', size: 100, classes: 4 }, batch: 10, steps: 23, evalEvery: 5 },
  });
  if (!parsed.ok) throw new Error(parsed.errors.map(formatError).join('; '));
  return parsed.config;
})();

describe("training's work", () => {
  it('counts a row forward through every layer, the readout included', () => {
    expect(trainMatrices(config).map((m) => [m.fanIn, m.fanOut])).toEqual([
      [2, 16],
      [16, 16],
      [16, 16],
      [16, 4],
    ]);
    expect(forwardPerRow(trainMatrices(config))).toBe(2 * 16 + 16 * 16 * 2 + 16 * 4);
  });

  it('counts a residual network’s projection, two matrices per block and the readout', () => {
    const residual = { ...config, architecture: { ...config.architecture, kind: 'residual' as const } };
    expect(forwardPerRow(trainMatrices(residual))).toBe(2 * 16 + 3 * 2 * 16 * 16 + 16 * 4);
  });

  it('an update is the minibatch forward, its weight gradients and δ·Wᵀ above the first layer', () => {
    const forward = forwardPerRow(trainMatrices(config));
    expect(minibatchWork(config)).toBe(10 * (forward + forward + (forward - 2 * 16)));
    expect(entryWork(config)).toBe(100 * forward + minibatchWork(config));
  });

  it('counts the entries between two steps as evaluationSteps lists them', () => {
    for (const [steps, every] of [
      [23, 5],
      [20, 5],
      [7, 10],
      [0, 3],
    ]) {
      const train = { ...config.train, steps, evalEvery: every };
      const listed = evaluationSteps(steps, every);
      for (let first = 0; first <= steps; first++)
        for (let last = first - 1; last <= steps; last++)
          expect(entriesBetween(train, first, last)).toBe(listed.filter((t) => t >= first && t <= last).length);
    }
  });

  it('a whole run: every entry, and every update but those that reuse the gradient an entry computed', () => {
    // Entries at 0, 5, 10, 15, 20, 23; updates 1, 6, 11, 16 and 21 reuse the gradient of the entry before them.
    const perSeries = 6 * entryWork(config) + (23 - 5) * minibatchWork(config);
    expect(advanceWork(config, 0, 23, true)).toBe(perSeries);
    expect(trainWork(config)).toBe(2 * perSeries);
    expect(advanceWork(config, 0, 7, true) + advanceWork(config, 7, 23, false)).toBe(perSeries);
  });

  it("a grid's advance is every network's: each width at each learning rate, each with its own work", () => {
    const grid = parseConfig({
      depth: 3,
      width: [16, 32],
      sweep: [{ kind: 'he-normal' }],
      train: { ...config.train, optimizer: { kind: 'sgd', lr: [0.1, 0.2] } },
    });
    if (!grid.ok) throw new Error(grid.errors.map(formatError).join('; '));
    const network = (width: number) => ({ ...grid.config, width, axes: { width: null, depth: null, lr: null } });
    const one = (width: number) => advanceWork(network(width), 3, 9, false);
    expect(gridAdvanceWork(grid.config, 3, 9, false)).toBe(2 * one(16) + 2 * one(32));
    expect(trainWork(grid.config)).toBe(gridAdvanceWork(grid.config, 0, 23, true));
  });
});
