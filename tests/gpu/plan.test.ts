/** How a run is cut to its memory budget (src/gpu/plan.ts): blocks of weights, chunks of rows, checkpoints, passes. */
import { describe, expect, it } from 'vitest';
import { PassBuffers, passStateSlots } from '../../src/gpu/networkPass';
import {
  checkpointSegment,
  chunksOf,
  DEFAULT_BUFFER_BUDGET,
  memoryBudget,
  PlanError,
  planRun,
  type RunRequest,
  slabRows,
  unitBlocks,
  weightGradPasses,
} from '../../src/gpu/plan';
import { largestBuffer, runBytes, traceSlots } from '../../src/gpu/runShape';

const MiB = 2 ** 20;
const request = (over: Partial<RunRequest> & { batch?: number } = {}): RunRequest => {
  const { batch = 1, ...rest } = over;
  return {
    rows: Array.from({ length: batch }, (_, i) => i),
    inputWidth: 10,
    width: 10,
    depth: 8,
    captureCount: 0,
    backward: false,
    histograms: false,
    ...rest,
  };
};
const budget = (buffer: number) => ({ buffer, total: 4 * buffer });

describe('the memory budget', () => {
  it('is 256 MiB per buffer by default, never above the device limits, four buffers in all', () => {
    const big = { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 };
    expect(memoryBudget(big)).toEqual({ buffer: DEFAULT_BUFFER_BUDGET, total: 4 * DEFAULT_BUFFER_BUDGET });
    expect(memoryBudget({ ...big, maxStorageBufferBindingSize: 128 * MiB })).toEqual({
      buffer: 128 * MiB,
      total: 512 * MiB,
    });
    expect(memoryBudget(big, 2 ** 30).buffer).toBe(2 ** 30);
    expect(memoryBudget(big, 8 * MiB).buffer).toBe(8 * MiB);
  });
});

describe('planning a run', () => {
  it('keeps a small run whole: one chunk, one block of weights, every layer kept going backward', () => {
    const { chunks, shape } = planRun(
      request({ batch: 100, backward: true }),
      memoryBudget({ maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 }),
    );
    expect(chunks).toHaveLength(1);
    expect(shape).toMatchObject({
      chunkRows: 100,
      forwardColumns: 10,
      unitBlock: 10,
      segment: 8,
      sumSlots: 0,
      passes: 1,
    });
  });

  it('generates a 16384-wide layer in column blocks forward and in blocks of units backward, no buffer above 256 MiB', () => {
    const wide = request({ inputWidth: 16384, width: 16384, depth: 2, batch: 4, backward: true });
    const { shape } = planRun(wide, budget(DEFAULT_BUFFER_BUDGET));
    // 16384 rows of W × 4096 columns × 4 bytes = 256 MiB: four blocks either way.
    expect(shape.forwardColumns).toBe(4096);
    expect(shape.unitBlock).toBe(4096);
    expect(unitBlocks(shape).map((layer) => layer.length)).toEqual([4, 4]);
    expect(largestBuffer(shape)).toBeLessThanOrEqual(DEFAULT_BUFFER_BUDGET);
    expect(runBytes(shape)).toBeLessThanOrEqual(4 * DEFAULT_BUFFER_BUDGET);
  });

  it('runs the widest, largest backward batch the config accepts within 1 GiB, in chunks and passes', () => {
    const huge = request({ inputWidth: 16384, width: 16384, depth: 2, batch: 16384, backward: true });
    const { shape } = planRun(huge, budget(DEFAULT_BUFFER_BUDGET));
    // The README's row: chunks of 1216 rows, four blocks of 4096 units per layer, one kept at a time: eight passes.
    expect(shape).toMatchObject({ chunkRows: 1216, chunks: 14, unitBlock: 4096, sumSlots: 1, passes: 8 });
    expect(largestBuffer(shape)).toBe(DEFAULT_BUFFER_BUDGET);
    expect(runBytes(shape)).toBe(936902912 + 16384 * 4);
  });

  it('splits a batch whose activations exceed a buffer into chunks of whole tiles', () => {
    // 16384 rows × 16384 × 4 bytes = 1 GiB of activations: 256 MiB buffers hold 4096 rows.
    const { chunks, shape } = planRun(
      request({ inputWidth: 16384, width: 16384, depth: 2, batch: 16384 }),
      budget(DEFAULT_BUFFER_BUDGET),
    );
    expect(shape.chunkRows % 64).toBe(0);
    expect(shape.chunkRows).toBeLessThanOrEqual(4096);
    expect(chunks.flat()).toEqual(Array.from({ length: 16384 }, (_, i) => i));
    expect(largestBuffer(shape)).toBeLessThanOrEqual(DEFAULT_BUFFER_BUDGET);
    expect(runBytes(shape)).toBeLessThanOrEqual(4 * DEFAULT_BUFFER_BUDGET);
  });

  it('going backward keeps every layer, else checkpoints about every √depth layers, else chunks with ∂L/∂W sums', () => {
    const run = request({ inputWidth: 100, width: 100, depth: 10, batch: 1000, backward: true });
    expect(checkpointSegment(10)).toBe(4);
    expect(traceSlots(10, 4)).toBe(5);
    expect(planRun(run, budget(16 * MiB)).shape).toMatchObject({ segment: 10, chunks: 1, sumSlots: 0 });
    // 12 kept values of 100 per row do not fit 4 MiB for 1000 rows; 7 with checkpoints do.
    expect(planRun(run, { buffer: MiB, total: 3.4 * MiB }).shape).toMatchObject({ segment: 4, chunks: 1 });
    const chunked = planRun(run, { buffer: MiB, total: 2 * MiB }).shape;
    expect(chunked.chunks).toBeGreaterThan(1);
    expect(chunked.segment).toBe(4);
    // Ten layers of 100 × 100 sums, 40 000 bytes each, all kept at once.
    expect(chunked).toMatchObject({ unitBlock: 100, sumSlots: 10, passes: 1 });
  });

  it('when every ∂L/∂W sum cannot be kept beside efficient chunks, keeps some and passes over the chunks again', () => {
    const run = request({ inputWidth: 128, width: 128, depth: 3, batch: 300, backward: true });
    const { shape } = planRun(run, budget(64 * 1024));
    expect(shape.chunks).toBeGreaterThan(1);
    expect(shape.sumSlots).toBeGreaterThanOrEqual(1);
    expect(shape.sumSlots).toBeLessThan(3);
    expect(shape.passes).toBe(Math.ceil(3 / shape.sumSlots));
    const passes = weightGradPasses(shape);
    expect(passes.map((p) => [p.first, p.end])).toEqual(
      Array.from({ length: shape.passes }, (_, i) => [i * shape.sumSlots, Math.min(3, (i + 1) * shape.sumSlots)]),
    );
    expect(passes.every((p) => p.keepsSums)).toBe(true);
    expect(runBytes(shape)).toBeLessThanOrEqual(4 * 64 * 1024);
  });

  it('numbers the blocks of units layer by layer, the first layer by its own fan-in', () => {
    expect(unitBlocks({ inputWidth: 100, width: 300, depth: 2, unitBlock: 128 })).toEqual([
      [{ global: 0, unitOffset: 0, units: 100 }],
      [
        { global: 1, unitOffset: 0, units: 128 },
        { global: 2, unitOffset: 128, units: 128 },
        { global: 3, unitOffset: 256, units: 44 },
      ],
    ]);
  });

  it('refuses, in words, a budget that cannot hold one tile of weights or one row', () => {
    expect(() => planRun(request({ inputWidth: 16384, width: 16384 }), budget(1024 * 1024))).toThrow(PlanError);
    expect(() => planRun(request({ inputWidth: 16384, width: 16384 }), budget(1024 * 1024))).toThrow(/64 columns/);
  });

  it("honours a caller's caps on rows and on the kept trace", () => {
    expect(planRun(request({ batch: 1000 }), budget(MiB), { maxRowsPerChunk: 100 }).shape.chunkRows).toBe(64);
    expect(planRun(request({ batch: 1000 }), budget(MiB), { maxRowsPerChunk: 10 }).shape.chunkRows).toBe(10);
    const run = request({ inputWidth: 100, width: 100, depth: 10, batch: 1000, backward: true });
    // 12 × 100 × 4 = 4800 bytes per row of trace kept whole, 2800 with checkpoints.
    expect(planRun(run, budget(64 * MiB), { traceBytes: 2800 * 1000 }).shape).toMatchObject({ segment: 4, chunks: 1 });
  });

  it('splits rows into consecutive chunks and sizes slabs to the measured speed', () => {
    expect(chunksOf([0, 1, 2, 3, 4], 2)).toEqual([[0, 1], [2, 3], [4]]);
    expect(slabRows(4096, 1024, 1024, 1e6)).toBe(64);
    expect(slabRows(4096, 1024, 1024, 1e9)).toBe(4096);
    expect(slabRows(50, 10, 10, 1)).toBe(50);
  });

  it("counts a run's GPU memory as the buffers are allocated", () => {
    const shape = planRun(request({ inputWidth: 1024, width: 1024, depth: 50, batch: 1024 }), budget(64 * MiB)).shape;
    const tiles = 16 * 16 * 24;
    // Two activation buffers and one layer's weights, 4 MiB each, its biases, and the forward state of 50 layers.
    expect(runBytes(shape)).toBe(3 * 4 * MiB + 1024 * 4 + 50 * 8 * 4 + tiles);
  });

  it('plans a network-pass run: whole matrices, its own buffers, and the batch whole going backward or with BatchNorm', () => {
    const net = {
      kind: 'residual' as const,
      norm: 'none' as const,
      eps: 1e-5,
      alpha: 1,
      inputWidth: 1024,
      width: 1024,
      depth: 50,
      activationId: 1,
      slope: 0,
    };
    const residual = request({ inputWidth: 1024, width: 1024, depth: 50, batch: 1024, architecture: net });
    const shape = planRun(residual, budget(64 * MiB)).shape;
    const tiles = 16 * 16 * 24;
    // The input rows and one whole matrix, 4 MiB each, its biases, the rows' indices, the states of the pass's
    // layout and their readback, and the pass's own buffers.
    const states = 2 * passStateSlots(net) * 8 * 4;
    const own = PassBuffers.bytes(net, 1024, false);
    expect(shape).toMatchObject({ chunks: 1, forwardColumns: 1024, unitBlock: 1024 });
    expect(runBytes(shape)).toBe(2 * 4 * MiB + 1024 * 4 + 1024 * 4 + states + tiles + own);
    // Forward, a tight budget cuts the batch into chunks of whole tiles; backward it holds the batch or says why.
    const tight = { buffer: 4 * MiB, total: runBytes(shape) / 2 };
    const cut = planRun(residual, tight);
    expect(cut.shape.chunks).toBeGreaterThan(1);
    expect(cut.shape.chunkRows % 64).toBe(0);
    expect(runBytes(cut.shape)).toBeLessThanOrEqual(tight.total);
    expect(() => planRun({ ...residual, backward: true }, tight)).toThrow(
      /a residual network going backward holds its whole batch at once, and 1024 rows take \d+ bytes, more than the \d+ this run may use/,
    );
    const batchNorm = { ...residual, architecture: { ...net, norm: 'batch' as const } };
    expect(() => planRun(batchNorm, tight)).toThrow(/with BatchNorm holds its whole batch at once/);
  });
});
