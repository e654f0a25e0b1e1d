/**
 * What the GPU engine does not run yet it refuses in a sentence naming what to choose instead: never another
 * network's numbers. It runs residual networks without normalization or with LayerNorm forward
 * (residual.browser.test.ts); it refuses their gradients, BatchNorm, and plain normalized networks in a run. Its
 * trainer trains every architecture (trainArchitectures.browser.test.ts), these included.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import type { ExperimentConfig } from '../../src/lab/config';
import { config } from './agreement';

const engine = await GpuEngine.create();
afterAll(() => engine.dispose());

/** One update of a small training: an entry at 0 and at 1 of depth + 1 layers each, every loss finite. */
async function expectTrains(c: ExperimentConfig): Promise<void> {
  const session = await engine.train(c);
  try {
    const { series } = await session.advance(1);
    for (const s of series) {
      expect(s.history.map((e) => e.step)).toEqual([0, 1]);
      expect(s.history.every((e) => e.layers.length === c.depth + 1 && Number.isFinite(e.trainLoss))).toBe(true);
    }
  } finally {
    session.dispose();
  }
}

const small = { dataset: { kind: 'blobs', size: 40, classes: 3 }, batch: 8, steps: 1, evalEvery: 1 };

describe('the GPU engine refuses the runs it does not compute yet, and trains every network', () => {
  for (const [architecture, described] of [
    [{ norm: 'layer' }, 'plain, LayerNorm'],
    [{ kind: 'residual', norm: 'batch' }, 'residual, α = 1, BatchNorm'],
  ] as const) {
    it(`${described}: a run says so and names the CPU engine; training trains`, async () => {
      const input = { distribution: 'normal', batch: 4, width: 3 };
      const c = config({ width: 8, depth: 2, input, architecture, train: small });
      const sentence = `The GPU engine cannot run ${described} networks yet; the CPU engine can (--engine cpu)`;
      await expect(engine.run(c)).rejects.toThrow(sentence);
      expect(engine.refusal(c)).toBe(`the GPU engine does not compute ${described} networks yet`);
      await expectTrains(c);
    });
  }

  for (const [architecture, described] of [
    [{ kind: 'residual' }, 'residual, α = 1'],
    [{ kind: 'residual', branchScale: '1/sqrt(depth)', zeroInitLast: true }, 'residual, α = 1/√L, W₂ = 0'],
  ] as const) {
    it(`${described}: a backward run says so and names the CPU engine; training trains`, async () => {
      const c = config({ width: 8, depth: 2, architecture, train: small });
      await expect(engine.run(c, { backward: true })).rejects.toThrow(
        `The GPU engine cannot run ${described} networks backward yet; the CPU engine can (--engine cpu), or run it without the backward pass.`,
      );
      expect(engine.refusal(c, { backward: true })).toBe(
        `the GPU engine does not compute gradients of ${described} networks yet`,
      );
      await expectTrains(c);
    });
  }
});
