/** Until the GPU engine computes residual and normalized networks, it refuses them in a sentence: never another network's numbers. */
import { afterAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { config } from './agreement';

const engine = await GpuEngine.create();
afterAll(() => engine.dispose());

describe('the GPU engine refuses the networks it does not compute yet', () => {
  for (const [architecture, described] of [
    [{ kind: 'residual' }, 'residual, α = 1'],
    [{ kind: 'residual', branchScale: '1/sqrt(depth)', zeroInitLast: true }, 'residual, α = 1/√L, W₂ = 0'],
    [{ norm: 'layer' }, 'plain, LayerNorm'],
  ] as const) {
    it(`${described}: run and train say so and name the CPU engine`, async () => {
      const c = config({ width: 8, depth: 2, architecture });
      const sentence = `The GPU engine cannot run ${described} networks yet; the CPU engine can (--engine cpu)`;
      await expect(engine.run(c)).rejects.toThrow(sentence);
      await expect(engine.train(c)).rejects.toThrow(sentence.replace('cannot run', 'cannot train'));
    });
  }
});
