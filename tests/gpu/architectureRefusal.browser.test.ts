/**
 * What the GPU engine does not compute yet it refuses in a sentence naming what to choose instead: never another
 * network's numbers. It runs residual networks without normalization or with LayerNorm forward
 * (residual.browser.test.ts); it refuses their gradients and training, BatchNorm, and plain normalized networks.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { config } from './agreement';

const engine = await GpuEngine.create();
afterAll(() => engine.dispose());

describe('the GPU engine refuses the networks it does not compute yet', () => {
  for (const [architecture, described] of [
    [{ norm: 'layer' }, 'plain, LayerNorm'],
    [{ kind: 'residual', norm: 'batch' }, 'residual, α = 1, BatchNorm'],
  ] as const) {
    it(`${described}: run and train say so and name the CPU engine`, async () => {
      const c = config({ width: 8, depth: 2, input: { distribution: 'normal', batch: 4, width: 3 }, architecture });
      const sentence = `The GPU engine cannot run ${described} networks yet; the CPU engine can (--engine cpu)`;
      await expect(engine.run(c)).rejects.toThrow(sentence);
      await expect(engine.train(c)).rejects.toThrow(sentence.replace('cannot run', 'cannot train'));
      expect(engine.refusal(c)).toBe(`the GPU engine does not compute ${described} networks yet`);
    });
  }

  for (const [architecture, described] of [
    [{ kind: 'residual' }, 'residual, α = 1'],
    [{ kind: 'residual', branchScale: '1/sqrt(depth)', zeroInitLast: true }, 'residual, α = 1/√L, W₂ = 0'],
  ] as const) {
    it(`${described}: a backward run and training say so and name the CPU engine`, async () => {
      const c = config({ width: 8, depth: 2, architecture });
      await expect(engine.run(c, { backward: true })).rejects.toThrow(
        `The GPU engine cannot run ${described} networks backward yet; the CPU engine can (--engine cpu), or run it without the backward pass.`,
      );
      await expect(engine.train(c)).rejects.toThrow(
        `The GPU engine cannot train ${described} networks yet; the CPU engine can (--engine cpu)`,
      );
      expect(engine.refusal(c, { backward: true })).toBe(
        `the GPU engine does not compute gradients of ${described} networks yet`,
      );
    });
  }
});
