/**
 * Memory-bounded GPU runs: a budget forces weights into blocks, batches into chunks and ∂L/∂W sums into passes, an
 * allocation the device cannot back is retried with a smaller plan — and none of it changes what the run measures.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { acquireDevice, isEmulatedAdapter } from '../../src/gpu/device';
import { GpuEngine, GpuMemoryError } from '../../src/gpu/gpuEngine';
import { planRun, type RunRequest } from '../../src/gpu/plan';
import { RunBuffers } from '../../src/gpu/runBuffers';
import { compareRuns } from '../../src/lab/compare';
import type { RunResult } from '../../src/lab/results';
import { AGREEMENT, config } from './agreement';

const unforced = await GpuEngine.create();
afterAll(() => unforced.dispose());
const MiB = 2 ** 20;

/**
 * Blocks of columns and of units give every Z and δ the same bits (each tile's sums run in the same order); ∂L/∂W's
 * statistics are merged per block, in float64, instead of over the whole layer in float32: the same to ~1e-7.
 */
const BLOCK_MERGE_TOLERANCE = 1e-6;
const forwardFigures = (r: RunResult) => r.series.map((s) => s.layers.map((l) => ({ pre: l.pre, post: l.post })));

describe('GPU runs within a memory budget', () => {
  it('a 2048-wide layer forced into blocks by a 4 MiB budget, and retried at 2 MiB when the device cannot back 4, equals the unforced run', async () => {
    const c = config({
      depth: 2,
      width: 2048,
      input: { distribution: 'normal', batch: 8, width: 2048 },
      init: { kind: 'he-normal' },
    });
    const forced = await GpuEngine.create({ bufferBudget: 4 * MiB, backableBytes: 2 * MiB });
    try {
      const [whole, cut] = [await unforced.run(c, { backward: true }), await forced.run(c, { backward: true })];
      expect(whole.gpuPlan).toMatchObject({ retries: 0, forwardColumns: 2048, unitBlock: 2048 });
      // 4 MiB holds 2048 × 512 weights: four blocks, refused; 2 MiB holds 2048 × 256: eight blocks.
      expect(cut.gpuPlan).toMatchObject({ retries: 1, bufferBudget: 2 * MiB, forwardColumns: 256, unitBlock: 256 });
      expect(cut.gpuPlan!.largestBuffer).toBeLessThanOrEqual(2 * MiB);
      expect(forwardFigures(cut)).toEqual(forwardFigures(whole));
      const comparison = compareRuns(whole, cut, {
        statistic: BLOCK_MERGE_TOLERANCE,
        activation: BLOCK_MERGE_TOLERANCE,
      });
      expect(comparison.pass, JSON.stringify(comparison.worst)).toBe(true);
      const cpu = await new CpuEngine().run(c, { backward: true, rows: [0, 1, 2, 3, 4, 5, 6, 7] });
      expect(compareRuns(cpu, cut, AGREEMENT).pass).toBe(true);
    } finally {
      forced.dispose();
    }
  });

  it('a chunked backward run that cannot keep every ∂L/∂W sum passes over its chunks again, and agrees with the CPU', async () => {
    const c = config({
      depth: 3,
      width: 128,
      trials: 2,
      input: { distribution: 'normal', batch: 300, width: 128 },
      sweep: [{ kind: 'he-normal' }, { kind: 'normal', sigma: 1e-5 }],
    });
    const tight = await GpuEngine.create({ bufferBudget: 64 * 1024 });
    try {
      const result = await tight.run(c, { backward: true });
      expect(result.gpuPlan!.chunks).toBeGreaterThan(1);
      expect(result.gpuPlan!.passes).toBeGreaterThan(1);
      const cpu = await new CpuEngine().run(c, { backward: true });
      const comparison = compareRuns(cpu, result, AGREEMENT);
      expect(comparison.pass, JSON.stringify(comparison.worst)).toBe(true);
      expect(comparison.complete).toBe(true);
    } finally {
      tight.dispose();
    }
  });

  it('histograms of a run in blocks count every element once, against one range per layer', async () => {
    const c = config({
      depth: 2,
      width: 256,
      input: { distribution: 'normal', batch: 64, width: 256 },
      init: { kind: 'he-uniform' },
    });
    const cut = await GpuEngine.create({ bufferBudget: 64 * 1024 });
    try {
      const result = await cut.run(c, { backward: true, histogramBins: 16 });
      expect(result.gpuPlan!.forwardColumns).toBeLessThan(256);
      const whole = await unforced.run(c, { backward: true, histogramBins: 16 });
      const counts = (r: RunResult) => r.series[0].histograms!.map((h) => [h.weights, h.pre, h.grad!, h.weightGrad!]);
      const total = (h: { counts: number[]; below: number; above: number; nan: number }) =>
        h.counts.reduce((a, b) => a + b, 0) + h.below + h.above + h.nan;
      counts(result).forEach((layer) => {
        const expected = [256 * 256, 64 * 256, 64 * 256, 256 * 256];
        expect(layer.map(total)).toEqual(expected);
      });
      // Same values, same ranges: the same counts as the run in one block (∂L/∂W's ranges come from the same sums).
      expect(counts(result).map((l) => l.slice(0, 3))).toEqual(counts(whole).map((l) => l.slice(0, 3)));
    } finally {
      cut.dispose();
    }
  });

  it('a budget that cannot hold one tile of a layer is refused in words, before any allocation', async () => {
    const c = config({
      depth: 1,
      width: 4096,
      input: { distribution: 'normal', batch: 1, width: 4096 },
      init: { kind: 'he-normal' },
    });
    const tiny = await GpuEngine.create({ bufferBudget: 256 * 1024 });
    try {
      const run = tiny.run(c);
      await expect(run).rejects.toBeInstanceOf(GpuMemoryError);
      await expect(run).rejects.toThrow(
        /does not fit the GPU memory it may use: 64 columns .* Lower width, batch or depth/,
      );
    } finally {
      tiny.dispose();
    }
  });

  it('an allocation the device cannot back is caught by the out-of-memory scope, not raised as an uncaptured error', async () => {
    const gpu = await acquireDevice();
    try {
      const request = (width: number): RunRequest => ({
        rows: [0],
        inputWidth: width,
        width,
        depth: 1,
        captureCount: 0,
        backward: false,
        histograms: false,
      });
      // A 16384-wide layer's whole weight matrix is 1 GiB, which SwiftShader allows but cannot back.
      const huge = planRun(request(16384), { buffer: 2 ** 30, total: 4 * 2 ** 30 });
      const small = planRun(request(256), { buffer: MiB, total: 4 * MiB });
      const refused = await RunBuffers.allocate(gpu.device, huge.shape);
      if (isEmulatedAdapter(gpu)) expect(refused).toBeNull();
      refused?.destroy();
      const fine = await RunBuffers.allocate(gpu.device, small.shape);
      expect(fine).not.toBeNull();
      fine!.destroy();
      expect(gpu.takeError()).toBeNull();
    } finally {
      gpu.device.destroy();
    }
  });
});
