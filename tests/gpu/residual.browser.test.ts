/**
 * The GPU engine computes residual networks without normalization or with LayerNorm going forward: every block's pre,
 * post, stream and branch statistics agree with the float64 CPU reference within AGREEMENT, from the same Philox draws.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { compareRuns } from '../../src/lab/compare';
import { RESIDUAL_FORWARD_QUANTITIES } from '../../src/lab/results';
import { agreement, config } from './agreement';

const engine = await GpuEngine.create();
/** At most 64 rows a chunk: a batch of 150 rows takes three chunks, the last of 22. */
const chunked = await GpuEngine.create({ maxRowsPerChunk: 64 });
afterAll(() => {
  engine.dispose();
  chunked.dispose();
});

const residual = (architecture: object, raw: object = {}) =>
  config({
    width: 40,
    depth: 6,
    trials: 2,
    input: { distribution: 'normal', batch: 70, width: 9 },
    init: { kind: 'he-normal' },
    architecture: { kind: 'residual', ...architecture },
    ...raw,
  });

describe('the GPU engine computes residual networks forward as the CPU does', () => {
  it.each([
    ['α = 1, ReLU', { branchScale: 1 }, {}],
    ['α = 1/√L, ReLU, width 65 (a tile and one unit)', { branchScale: '1/sqrt(depth)' }, { width: 65 }],
    [
      'α = 1/√L, tanh, bias 0.1, Xavier',
      { branchScale: '1/sqrt(depth)' },
      { activation: 'tanh', bias: 0.1, init: { kind: 'xavier-normal' } },
    ],
    ['α = 0.5, ReLU, depth 16, width 128', { branchScale: 0.5 }, { depth: 16, width: 128 }],
    ['zero-init-last, ReLU', { zeroInitLast: true }, {}],
    ['LayerNorm, α = 1, ReLU', { norm: 'layer' }, {}],
    [
      'LayerNorm, α = 1/√L, tanh, bias 0.1, ε = 0.01',
      { norm: 'layer', branchScale: '1/sqrt(depth)', eps: 0.01 },
      { activation: 'tanh', bias: 0.1 },
    ],
    ['LayerNorm, zero-init-last, ReLU, width 65', { norm: 'layer', zeroInitLast: true }, { width: 65 }],
    ['zero-init-last, tanh', { zeroInitLast: true, branchScale: '1/sqrt(depth)' }, { activation: 'tanh' }],
  ] as const)('%s: every block within the GPU tolerance', async (_, architecture, raw) => {
    const c = residual(architecture, raw);
    // Captured rows compare each block's Z_l element by element too.
    const { comparison, message } = await agreement(engine, c, { captureRows: [0, 69] });
    expect(comparison.pass, message).toBe(true);
    expect(comparison.layers.every((l) => l.activation !== null)).toBe(true);
    expect(comparison.complete, JSON.stringify(comparison.layers.flatMap((l) => l.notComparable))).toBe(true);
    const gpu = await engine.run(c);
    for (const layer of gpu.series[0].layers)
      for (const q of RESIDUAL_FORWARD_QUANTITIES) expect(layer[q], `block ${layer.layer} ${q}`).toBeDefined();
  });

  it("estimates the memory the run allocates, with the branch's buffer of rows", async () => {
    const c = residual({ norm: 'layer' });
    const [estimate, result] = [await engine.estimate(c), await engine.run(c)];
    expect(estimate.bytes).toBe(result.gpuBytes);
    const plain = await engine.estimate(residual({ kind: 'plain' }));
    expect(estimate.bytes! - plain.bytes!).toBeGreaterThanOrEqual(70 * 40 * 4);
  });

  it('zero-init-last: every branch is exactly 0 and the stream stays x_1', async () => {
    const gpu = await engine.run(residual({ zeroInitLast: true }));
    const layers = gpu.series[0].layers;
    for (const layer of layers) expect(layer.branch!.meanSq).toBe(0);
    for (const layer of layers) expect(layer.stream!.meanSq).toBe(layers[0].stream!.meanSq);
  });

  it.each(['none', 'layer'])(
    'norm %s in chunks of 64 rows (150 rows, the last chunk 22): the same as in one',
    async (norm) => {
      const input = { distribution: 'uniform', batch: 150, width: 9 };
      const c = residual({ branchScale: '1/sqrt(depth)', norm }, { input });
      const { comparison, message } = await agreement(chunked, c, { captureRows: [0, 70, 149] });
      expect(comparison.pass, message).toBe(true);
      const [whole, inChunks] = [await engine.run(c), await chunked.run(c)];
      expect(inChunks.gpuPlan!.chunks).toBe(3);
      // Chunks merge in float64 (Chan): within the tolerance of one chunk's f32 sums, not bit for bit.
      const between = compareRuns(whole, inChunks, { statistic: 1e-5 });
      expect(between.pass, JSON.stringify(between.worst)).toBe(true);
    },
  );

  it('with each W drawn in blocks of 64 columns (a buffer budget of 64 columns of 130): the same figures', async () => {
    const blocks = await GpuEngine.create({ bufferBudget: 4 * 130 * 64 });
    try {
      const c = residual(
        { branchScale: '1/sqrt(depth)' },
        { width: 130, input: { distribution: 'normal', batch: 50, width: 9 } },
      );
      const { comparison, message } = await agreement(blocks, c);
      expect(comparison.pass, message).toBe(true);
      expect((await blocks.run(c)).gpuPlan!.forwardColumns).toBe(64);
    } finally {
      blocks.dispose();
    }
  });

  it.each([
    // σ = 1e6: y_1 ~ 1e20, beyond float32's held range (2^48), and two blocks on beyond its largest value (3e38).
    ['none', 1],
    // LayerNorm keeps each branch near 1e13; α = 100 takes it beyond 2^48, and N(x_l) of such a stream is flagged too.
    ['layer', 100],
  ] as const)(
    'norm %s, α = %d: values float32 cannot hold are flagged, never reported as Infinity, NaN or 0, nor as figures that disagree',
    async (norm, branchScale) => {
      const c = residual({ norm, branchScale }, { init: { kind: 'normal', sigma: 1e6 }, trials: 1 });
      const cpu = await new CpuEngine().run(c);
      const gpu = await engine.run(c);
      const comparison = compareRuns(cpu, gpu);
      expect(comparison.verdict, JSON.stringify(comparison.worst)).toBe('agree-where-held');
      gpu.series[0].layers.forEach((layer, i) => {
        for (const q of ['pre', 'post', ...RESIDUAL_FORWARD_QUANTITIES] as const) {
          const held =
            Number.isFinite(layer[q]!.meanSq) && (layer[q]!.meanSq > 0 || cpu.series[0].layers[i][q]!.meanSq === 0);
          const flagged = layer.flags.some((f) => f.quantity === q);
          expect(held || flagged, `block ${layer.layer} ${q}: ${layer[q]!.meanSq}`).toBe(true);
        }
      });
      expect(gpu.series[0].layers[0].flags.some((f) => f.quantity === 'branch' && f.kind === 'overflow')).toBe(true);
    },
  );
});

describe('what the GPU engine does not compute for residual networks it refuses in a sentence', () => {
  const c = residual({});
  it('a backward pass: run names the CPU engine and the forward run', async () => {
    await expect(engine.run(c, { backward: true })).rejects.toThrow(
      'The GPU engine cannot run residual, α = 1 networks backward yet; the CPU engine can (--engine cpu), or run it without the backward pass.',
    );
    expect(engine.refusal(c, { backward: true })).toBe(
      'the GPU engine does not compute gradients of residual, α = 1 networks yet',
    );
    expect(engine.refusal(c)).toBeNull();
  });

  it('histograms', async () => {
    await expect(engine.run(c, { histogramBins: 10 })).rejects.toThrow(
      'The GPU engine cannot compute histograms of residual networks yet; the CPU engine can (--engine cpu), or run the forward statistics alone.',
    );
    expect(engine.refusal(c, { histogramBins: 10 })).toBe(
      'the GPU engine does not compute histograms of residual networks yet',
    );
  });
});
