import { afterAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { agreement, config } from './agreement';

const engine = await GpuEngine.create();
afterAll(() => engine.dispose());

describe('random biases on the GPU engine', () => {
  it.each(['tanh', 'relu', 'gelu'] as const)(
    '%s with b ~ N(0, 0.3²): the GPU reads the CPU draws and agrees with the float64 reference, forward and backward',
    async (activation) => {
      const c = config({
        activation,
        bias: { kind: 'normal', sigma: 0.3 },
        width: 40,
        depth: 4,
        trials: 2,
        input: { distribution: 'normal', batch: 24, width: 12 },
        init: { kind: 'he-normal', gain: 1.2 },
      });
      const { comparison, message } = await agreement(engine, c, { captureRows: [0, 23], backward: true });
      expect(comparison.pass, message).toBe(true);
    },
  );

  it('when the batch is forced into chunks and the backward pass recomputes layers from checkpoints', async () => {
    // Checkpoints keep 5 Z and two δ of width 30, 840 bytes a row: 60 000 bytes hold them for chunks of 64 rows.
    const chunked = await GpuEngine.create({ maxRowsPerChunk: 64, traceBytes: 60_000 });
    const c = config({
      activation: 'tanh',
      bias: { kind: 'normal', sigma: 0.2 },
      width: 30,
      depth: 9,
      input: { distribution: 'uniform', batch: 150, width: 8 },
      init: { kind: 'xavier-normal', gain: 1.5 },
    });
    const { comparison, message } = await agreement(chunked, c, { captureRows: [1, 70, 149], backward: true });
    chunked.dispose();
    expect(comparison.pass, message).toBe(true);
  });
});
