import { afterAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { agreement, config } from './agreement';

const engine = await GpuEngine.create();
afterAll(() => engine.dispose());

const pairs = (batch: number, width: number, correlation: number) => ({
  distribution: 'pairs',
  batch,
  width,
  correlation,
});

describe('correlation of pairs on the GPU engine', () => {
  it.each([
    ['tanh', { kind: 'normal', sigma: 0.2 }, 1.5],
    ['relu', 0, 1.4],
    ['linear', -0.3, 1],
  ] as const)(
    '%s (bias %j): every layer’s mean cosine agrees with the CPU within 1e-4',
    async (activation, bias, gain) => {
      const c = config({
        activation,
        bias,
        width: 48,
        depth: 5,
        trials: 2,
        input: pairs(20, 24, 0.6),
        init: { kind: 'he-normal', gain },
      });
      const { comparison, message } = await agreement(engine, c, { captureRows: [0, 1, 18, 19] });
      expect(comparison.pass, message).toBe(true);
      expect(comparison.layers.every((l) => l.correlation !== undefined)).toBe(true);
    },
  );

  it('on the exact route far below float32 (ReLU, σ = 1e-5): cosines are scale-free and still measured', async () => {
    const c = config({ width: 32, depth: 8, input: pairs(10, 16, 0.2), init: { kind: 'normal', sigma: 1e-5 } });
    const { comparison, message } = await agreement(engine, c);
    expect(comparison.verdict, message).toBe('agree');
    expect(comparison.layers[7].correlation).toBeLessThan(1e-4);
  });

  it('when chunks must split the batch: a cap of 7 rows becomes chunks of 6, and 64-row tiles hold 32 pairs each', async () => {
    const c = config({
      activation: 'tanh',
      width: 70,
      depth: 3,
      input: pairs(150, 12, -0.4),
      init: { kind: 'xavier-normal', gain: 1.3 },
    });
    for (const maxRowsPerChunk of [7, 100]) {
      const chunked = await GpuEngine.create({ maxRowsPerChunk });
      const { comparison, message } = await agreement(chunked, c, { captureRows: [0, 1, 6, 7, 148, 149] });
      chunked.dispose();
      expect(comparison.pass, message).toBe(true);
    }
  });
});
