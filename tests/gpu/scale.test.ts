import { describe, expect, it } from 'vitest';
import {
  backwardPlan,
  checkpointSegment,
  chunkRows,
  chunksOf,
  runBytes,
  slabRows,
  traceSlots,
} from '../../src/gpu/plan';
import { float64Flags, heldInF32, ldexp, rmsExponent, splitScale, toTrueScale } from '../../src/gpu/scale';

describe('exact power-of-two scaling', () => {
  it('splits any scale into a mantissa in [0.5, 1) and an exponent, exactly', () => {
    for (const scale of [1e-5, 1e-3, 0.5, 1, 2, 3, 1e6, -0.25, 2 ** -1000, 5e-324, 1.7e308]) {
      const { mantissa, exponent } = splitScale(scale);
      expect(Math.abs(mantissa)).toBeGreaterThanOrEqual(0.5);
      expect(Math.abs(mantissa)).toBeLessThan(1);
      expect(ldexp(mantissa, exponent)).toBe(scale);
    }
    expect(splitScale(0)).toEqual({ mantissa: 0, exponent: 0 });
  });

  it('ldexp reaches values whose power of two alone would under- or overflow', () => {
    expect(ldexp(2 ** 600, -1100)).toBe(2 ** -500);
    expect(ldexp(2 ** -600, 1100)).toBe(2 ** 500);
  });

  it('brings statistics to their true scale: the mean by 2^K, M2 by 4^K', () => {
    expect(toTrueScale({ count: 4, mean: 0.75, m2: 3 }, -245)).toEqual({
      count: 4,
      mean: 0.75 * 2 ** -245,
      m2: 3 * 2 ** -490,
    });
  });

  it('picks the exponent of the RMS, and 0 for an all-zero input', () => {
    expect(rmsExponent([1e-40, -1e-40])).toBe(Math.round(Math.log2(1e-40)));
    expect(rmsExponent([0, 0])).toBe(0);
  });

  it('knows which magnitudes float32 holds with their squares', () => {
    expect([0, 1, 2 ** -60, 2 ** 48].every(heldInF32)).toBe(true);
    expect([2 ** -61, 2 ** 49, 1e-45].some(heldInF32)).toBe(false);
  });

  it('flags a non-zero layer whose true meanSq float64 cannot hold, and never an exactly zero one', () => {
    expect(float64Flags({ mean: 0, var: 0, meanSq: 0 }, true, 'pre')).toEqual([
      { quantity: 'pre', kind: 'underflow', precision: 'float64' },
    ]);
    expect(float64Flags({ mean: 0, var: Infinity, meanSq: Infinity }, true, 'post')).toEqual([
      { quantity: 'post', kind: 'overflow', precision: 'float64' },
    ]);
    expect(float64Flags({ mean: 0, var: 0, meanSq: 0 }, false, 'pre')).toEqual([]);
  });
});

describe('chunk and slab planning', () => {
  const limits = { maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 30 };

  it('fits one activation buffer in a binding, in whole tiles', () => {
    expect(chunkRows(1000, 10, limits)).toBe(1000);
    expect(chunkRows(2 ** 20, 16384, limits)).toBe(16384);
    expect(chunkRows(1000, 10, { ...limits, maxStorageBufferBindingSize: 64 * 10 * 4 * 3 + 100 })).toBe(192);
    expect(chunkRows(1000, 10, { ...limits, maxRowsPerChunk: 100 })).toBe(64);
    expect(chunkRows(1000, 10, { ...limits, maxRowsPerChunk: 10 })).toBe(10);
  });

  it('splits rows into consecutive chunks', () => {
    expect(chunksOf([0, 1, 2, 3, 4], 2)).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('sizes slabs to the measured speed, at least one tile and at most the chunk', () => {
    expect(slabRows(4096, 1024, 1024, 1e6)).toBe(64);
    expect(slabRows(4096, 1024, 1024, 1e9)).toBe(4096);
    expect(slabRows(50, 10, 10, 1)).toBe(50);
  });

  it('keeps every layer when the trace fits, else checkpoints about every √depth layers, else chunks too', () => {
    // 10 layers + 2 δ of 100 units: 4800 bytes per row kept whole; with checkpoints (segment 4: a ring of 3 and 2 checkpoints) 2800.
    expect(checkpointSegment(10)).toBe(4);
    expect(traceSlots(10, 4)).toBe(5);
    expect(traceSlots(10, 10)).toBe(10);
    expect(backwardPlan(1000, 100, 100, 10, { ...limits, maxBufferSize: 4800 * 1000 })).toEqual({
      rows: 1000,
      segment: 10,
    });
    expect(backwardPlan(1000, 100, 100, 10, { ...limits, maxBufferSize: 2800 * 1000 })).toEqual({
      rows: 1000,
      segment: 4,
    });
    expect(backwardPlan(1000, 100, 100, 10, { ...limits, maxBufferSize: 2800 * 200 })).toEqual({
      rows: 192,
      segment: 4,
    });
    expect(backwardPlan(1000, 100, 100, 10, { ...limits, traceBytes: 2800 * 1000 })).toEqual({
      rows: 1000,
      segment: 4,
    });
    expect(() => backwardPlan(1000, 100, 100, 10, { ...limits, maxBufferSize: 2000 })).toThrow(/2800 bytes per row/);
    // Several chunks need 10 × 100 × 100 floats of weight-gradient sums, 400 000 bytes: more than a 300 000-byte buffer.
    expect(() => backwardPlan(1000, 100, 100, 10, { ...limits, maxBufferSize: 300_000 })).toThrow(
      /weight-gradient sums/,
    );
  });

  it("counts a run's GPU memory as the buffers are allocated", () => {
    const shape = {
      chunkRows: 1024,
      inputWidth: 1024,
      width: 1024,
      depth: 50,
      captureCount: 0,
      chunks: 1,
      histograms: false,
      segment: 50,
    };
    const tiles = 16 * 16 * 24;
    expect(runBytes({ ...shape, backward: false })).toBe(4 * (2 * 1024 * 1024 + 1024 * 1024) + tiles);
    // X, 50 layers of Z, two δ and the weights: 54 × 4 MiB = 216 MiB.
    expect(runBytes({ ...shape, backward: true })).toBe(54 * 4 * 2 ** 20 + tiles);
    expect(runBytes({ ...shape, backward: true, chunks: 2 })).toBe((54 + 50) * 4 * 2 ** 20 + tiles);
    // Checkpoints every 9 layers: a ring of 8 and 5 checkpoints instead of 50 layers.
    expect(checkpointSegment(50)).toBe(9);
    expect(runBytes({ ...shape, backward: true, segment: 9 })).toBe((1 + 13 + 2 + 1) * 4 * 2 ** 20 + tiles);
  });
});
