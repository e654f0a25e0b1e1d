import { afterAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { defaultConfig } from '../../src/lab/config';
import { CancelledError } from '../../src/lab/engine';
import { agreement, config } from './agreement';

const engine = await GpuEngine.create();
afterAll(() => engine.dispose());

describe('GPU backward pass agrees with the float64 CPU reference', () => {
  it('on the seed experiment: all five σ, ∂L/∂Z and ∂L/∂W at all eight layers within 1e-4, σ = 1e-5 included', async () => {
    const { comparison, message } = await agreement(engine, defaultConfig(), { backward: true });
    expect(
      comparison.layers.every((l) => l.grad && l.weightGrad),
      'every layer compares its gradients',
    ).toBe(true);
    expect(comparison.pass, message).toBe(true);
  });

  it.each([
    ['tanh', 0.1],
    ['sigmoid', -0.2],
    ['gelu', 0.05],
    ['leaky-relu', 0],
    ['leaky-relu', 0.1],
    ['linear', 0],
  ] as const)('with %s and bias %f', async (activation, bias) => {
    const c = config({
      activation,
      bias,
      slope: 0.1,
      width: 24,
      depth: 4,
      trials: 2,
      input: { distribution: 'normal', batch: 30, width: 10 },
      init: { kind: 'xavier-normal' },
    });
    const { comparison, message } = await agreement(engine, c, { backward: true });
    expect(comparison.pass, message).toBe(true);
  });

  it.each([1, 33, 70])('at width %i, which is not a multiple of the 64-wide tile, over 70 rows', async (width) => {
    const c = config({
      width,
      depth: 3,
      input: { distribution: 'uniform', batch: 70, width: 9 },
      init: { kind: 'he-normal' },
    });
    const { comparison, message } = await agreement(engine, c, { backward: true });
    expect(comparison.pass, message).toBe(true);
  });

  it('when a random batch is forced into chunks, whose weight gradients add up across them', async () => {
    const c = config({
      width: 20,
      depth: 3,
      trials: 2,
      input: { distribution: 'normal', batch: 150, width: 6 },
      init: { kind: 'he-uniform' },
    });
    for (const maxRowsPerChunk of [64, 10]) {
      const chunked = await GpuEngine.create({ maxRowsPerChunk });
      const { comparison, message } = await agreement(chunked, c, { backward: true });
      chunked.dispose();
      expect(comparison.pass, message).toBe(true);
    }
  });

  it('when every step is dispatched in one-tile slabs, orthogonal weights regenerated on the CPU', async () => {
    // A dispatch target of 1e-6 ms makes every slab the minimum, one tile of rows (or of input units).
    const slabbed = await GpuEngine.create({ sliceMs: 1e-6 });
    const c = config({
      width: 70,
      depth: 3,
      input: { distribution: 'normal', batch: 130, width: 66 },
      init: { kind: 'orthogonal' },
    });
    const { comparison, message } = await agreement(slabbed, c, { backward: true });
    slabbed.dispose();
    expect(comparison.pass, message).toBe(true);
  });

  // 9 layers of width 20 over 70 rows: keeping every layer takes (9 + 2) × 70 × 80 = 61 600 bytes, checkpoints (5 kept
  // Z + 2 δ) 39 200. A 40 000-byte cap keeps checkpoints for the whole batch; 20 000 bytes, for chunks of 35 rows.
  it.each([
    ['in one chunk', 40_000],
    ['in chunks of 35 rows', 20_000],
  ])(
    'with checkpoints, Z recomputed between them, the batch %s (exact σ = 1e-5 included)',
    async (_how, traceBytes) => {
      const capped = await GpuEngine.create({ traceBytes });
      const c = config({
        width: 20,
        depth: 9,
        trials: 2,
        input: { distribution: 'normal', batch: 70, width: 7 },
        sweep: [{ kind: 'he-normal' }, { kind: 'normal', sigma: 1e-5 }],
      });
      const { comparison, message } = await agreement(capped, c, { backward: true, captureRows: [0, 69] });
      capped.dispose();
      expect(comparison.pass, message).toBe(true);
    },
  );

  it('on a subset of rows (RunOptions.rows): output gradients drawn by batch row, weight gradients summed over the subset', async () => {
    const c = config({
      width: 40,
      depth: 3,
      input: { distribution: 'uniform', batch: 500, width: 12 },
      init: { kind: 'he-normal' },
    });
    const { comparison, message } = await agreement(engine, c, { backward: true, rows: [2, 77, 301, 499] });
    expect(comparison.pass, message).toBe(true);
  });

  it('with exact scaling through chunks: ReLU σ = 1e-5 on a random batch split in three', async () => {
    const chunked = await GpuEngine.create({ maxRowsPerChunk: 64 });
    const c = config({
      width: 16,
      depth: 8,
      input: { distribution: 'normal', batch: 150, width: 8 },
      sweep: [{ kind: 'normal', sigma: 1e-5 }],
    });
    const { comparison, message } = await agreement(chunked, c, { backward: true });
    chunked.dispose();
    expect(comparison.pass, message).toBe(true);
  });
});

describe('GPU backward pass lifecycle', () => {
  it('an aborted backward run stops within one layer step', async () => {
    /** As in lifecycle.browser.test.ts: one step is tens of ms on SwiftShader, a run that ignores the signal seconds. */
    const PROMPT_MS = 2000;
    const long = config({
      width: 256,
      depth: 12,
      input: { distribution: 'normal', batch: 256, width: 256 },
      init: { kind: 'he-normal' },
    });
    const controller = new AbortController();
    let abortedAt = 0;
    let stepsAfterAbort = 0;
    const run = engine.run(long, {
      backward: true,
      signal: controller.signal,
      onProgress: (p) => {
        if (abortedAt) stepsAfterAbort++;
        // Steps past the depth are backward steps.
        else if (p.done === long.depth + 2) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(performance.now() - abortedAt).toBeLessThan(PROMPT_MS);
    expect(stepsAfterAbort).toBe(0);
  });
});
