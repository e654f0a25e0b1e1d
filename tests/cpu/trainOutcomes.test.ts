/**
 * The explainer's claim, measured: on two spirals, 8 ReLU layers of width 64, He normal trains while N(0, 0.01²)
 * stalls, in every seed. The setup (README, "Training") is chosen so that the claim holds with room to spare: over
 * seeds 1–8, He normal first reached the target between steps 225 and 300 of 400, and σ = 0.01's loss never left
 * ln 2 (its signal shrinks by n·σ²/2 = 0.0032 a layer, so its gradients vanish).
 */
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { formatError, parseConfig } from '../../src/lab/config';
import { STALL_FRACTION, trainToEnd } from '../../src/lab/training';

const SPIRALS_SETUP = {
  depth: 8,
  width: 64,
  activation: 'relu',
  sweep: [{ kind: 'he-normal' }, { kind: 'normal', sigma: 0.01 }],
  train: {
    dataset: { kind: 'spirals', size: 300, noise: 0.05 },
    optimizer: { kind: 'sgd', lr: 0.02, momentum: 0.9 },
    batch: 32,
    steps: 400,
    evalEvery: 25,
    targetLoss: 0.2,
  },
};

describe('two spirals, 8 ReLU layers of 64: He normal trains, N(0, 0.01²) stalls', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}`, { timeout: 120_000 }, async () => {
      const parsed = parseConfig({ ...SPIRALS_SETUP, seed });
      if (!parsed.ok) throw new Error(parsed.errors.map(formatError).join('; '));
      const [he, small] = (await trainToEnd(new CpuEngine(), parsed.config)).series;
      expect(he.outcome.status).toBe('trained');
      expect(small.outcome.status).toBe('stalled');
      const initial = small.history[0].trainLoss;
      expect(Math.min(...small.history.map((e) => e.trainLoss))).toBeGreaterThan(STALL_FRACTION * initial);
    });
  }
});
