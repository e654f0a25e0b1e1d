import { afterAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { initializers, initKinds } from '../../src/lab/initializers';
import { agreement, config } from './agreement';

const engine = await GpuEngine.create();
afterAll(() => engine.dispose());

/** A parameter for the initializers that need one. */
function specFor(kind: string): object {
  const fields: readonly string[] = initializers[kind as keyof typeof initializers].fields;
  return {
    kind,
    ...(fields.includes('sigma') ? { sigma: 0.3 } : {}),
    ...(fields.includes('a') ? { a: 0.4 } : {}),
    ...(fields.includes('value') ? { value: 0.05 } : {}),
  };
}

describe('GPU engine agrees with the float64 CPU reference', () => {
  it('for every initializer, on a random batch (ReLU, depth 3)', async () => {
    const c = config({
      width: 12,
      depth: 3,
      input: { distribution: 'normal', batch: 20, width: 7 },
      sweep: initKinds.map(specFor),
    });
    const { comparison, message } = await agreement(engine, c, { captureRows: [0, 19] });
    expect(comparison.pass, message).toBe(true);
  });

  it.each([1, 5, 10, 33, 127, 300])(
    'at width %i, which is not a multiple of the 64-wide tile, over 70 rows',
    async (width) => {
      const c = config({
        width,
        depth: 3,
        input: { distribution: 'uniform', batch: 70, width: 9 },
        init: { kind: 'he-normal' },
      });
      const { comparison, message } = await agreement(engine, c, { captureRows: [0, 65, 69] });
      expect(comparison.pass, message).toBe(true);
    },
  );

  it('at depth 1 and depth 50', async () => {
    for (const depth of [1, 50]) {
      const c = config({
        width: 16,
        depth,
        input: { distribution: 'normal', batch: 8, width: 16 },
        init: { kind: 'he-normal' },
      });
      const { comparison, message } = await agreement(engine, c, { captureRows: [3] });
      expect(comparison.pass, message).toBe(true);
    }
  });

  it.each([
    ['tanh', 0.1],
    ['sigmoid', -0.2],
    ['gelu', 0.05],
    ['leaky-relu', 0.1],
    ['relu', 0.3],
    ['linear', -0.5],
  ] as const)('with %s and bias %f (no exact scaling: plain float32)', async (activation, bias) => {
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
    const { comparison, message } = await agreement(engine, c, { captureRows: [7] });
    expect(comparison.pass, message).toBe(true);
  });

  it('when the batch is forced into several chunks, including ones smaller than a tile', async () => {
    const c = config({
      width: 20,
      depth: 3,
      trials: 2,
      input: { distribution: 'normal', batch: 200, width: 6 },
      init: { kind: 'he-uniform' },
    });
    for (const maxRowsPerChunk of [64, 10]) {
      const chunked = await GpuEngine.create({ maxRowsPerChunk });
      const { comparison, message } = await agreement(chunked, c, { captureRows: [5, 64, 130, 199] });
      chunked.dispose();
      expect(comparison.pass, message).toBe(true);
    }
  });

  it('when every layer is dispatched in slabs of one 64-row tile, inside chunks of 192 rows', async () => {
    // A dispatch target of 1e-6 ms makes every slab the minimum, one tile of rows.
    const slabbed = await GpuEngine.create({ sliceMs: 1e-6, maxRowsPerChunk: 192 });
    const c = config({
      width: 70,
      depth: 3,
      input: { distribution: 'normal', batch: 300, width: 33 },
      init: { kind: 'xavier-uniform' },
    });
    const { comparison, message } = await agreement(slabbed, c, { captureRows: [0, 63, 64, 191, 192, 299] });
    slabbed.dispose();
    expect(comparison.pass, message).toBe(true);
  });

  it('on a subset of rows (RunOptions.rows), as when verifying a large run', async () => {
    const c = config({
      width: 40,
      depth: 3,
      input: { distribution: 'uniform', batch: 500, width: 12 },
      init: { kind: 'he-normal' },
    });
    const rows = [2, 77, 301, 499];
    const { comparison, message } = await agreement(engine, c, { rows, captureRows: rows });
    expect(comparison.pass, message).toBe(true);
  });
});
