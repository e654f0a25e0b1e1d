/**
 * The GPU engine computes every architecture (networkChunk.ts over networkPass.ts): residual networks and plain ones,
 * without normalization, with LayerNorm and with BatchNorm, forward and backward — every block's pre, post, stream and
 * branch statistics, and their gradients, agree with the float64 CPU reference within AGREEMENT, from the same Philox
 * draws.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { compareRuns } from '../../src/lab/compare';
import { type Quantity, RESIDUAL_FORWARD_QUANTITIES } from '../../src/lab/results';
import { AGREEMENT, agreement, config } from './agreement';

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

describe('the GPU engine computes every architecture forward and backward as the CPU does', () => {
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
    ['BatchNorm, α = 1/√L, ReLU', { norm: 'batch', branchScale: '1/sqrt(depth)' }, {}],
    ['BatchNorm, tanh, bias 0.1, width 65', { norm: 'batch' }, { activation: 'tanh', bias: 0.1, width: 65 }],
    ['plain, LayerNorm, ReLU', { kind: 'plain', norm: 'layer' }, {}],
    [
      'plain, LayerNorm, tanh, ε = 0.01, σ = 1e-3',
      { kind: 'plain', norm: 'layer', eps: 0.01 },
      { activation: 'tanh', init: { kind: 'normal', sigma: 1e-3 } },
    ],
    ['plain, BatchNorm, ReLU, bias 0.1', { kind: 'plain', norm: 'batch' }, { bias: 0.1 }],
  ] as const)('%s: every block forward and backward within the GPU tolerance', async (_, architecture, raw) => {
    const c = residual(architecture, raw);
    // Captured rows compare each block's Z_l element by element too.
    const { comparison, message } = await agreement(engine, c, { captureRows: [0, 69], backward: true });
    expect(comparison.pass, message).toBe(true);
    expect(comparison.layers.every((l) => l.activation !== null)).toBe(true);
    expect(comparison.complete, JSON.stringify(comparison.layers.flatMap((l) => l.notComparable))).toBe(true);
    const gpu = await engine.run(c, { backward: true });
    const residualOnly: Quantity[] = [...RESIDUAL_FORWARD_QUANTITIES, 'streamGrad', 'branchWeightGrad'];
    const quantities: Quantity[] = ['grad', 'weightGrad', ...(c.architecture.kind === 'residual' ? residualOnly : [])];
    for (const layer of gpu.series[0].layers)
      for (const q of quantities) expect(layer[q], `block ${layer.layer} ${q}`).toBeDefined();
  });

  it('estimates the memory the run allocates', async () => {
    for (const c of [residual({ norm: 'layer' }), residual({ kind: 'plain', norm: 'batch' })]) {
      const [estimate, result] = [
        await engine.estimate(c, { backward: true }),
        await engine.run(c, { backward: true }),
      ];
      expect(estimate.bytes).toBe(result.gpuBytes);
    }
  });

  it('E[x_{l+1}²] = 2·E[x_l²] with α = 1 at width 512: 2^49 from block 1 to block 50, held in float32 without a flag', async () => {
    const c = config({
      width: 512,
      depth: 50,
      input: { distribution: 'normal', batch: 8, width: 32 },
      init: { kind: 'he-normal' },
      architecture: { kind: 'residual' },
    });
    const [cpu, gpu] = [await new CpuEngine().run(c), await engine.run(c)];
    const layers = gpu.series[0].layers;
    const growth = Math.log2(layers[49].stream!.meanSq / layers[0].stream!.meanSq);
    // The CPU engine's test gives the bar: 1.5 is five standard deviations of one network's log2 growth.
    expect(Math.abs(growth - 49), `log2 growth ${growth}`).toBeLessThan(1.5);
    expect(layers.flatMap((l) => l.flags)).toEqual([]);
    const comparison = compareRuns(cpu, gpu, AGREEMENT);
    expect(comparison.pass, JSON.stringify(comparison.worst)).toBe(true);
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

  it.each(['none', 'layer', 'batch'] as const)(
    'norm %s with a pairs input: each block’s correlation c_l as the CPU’s, within 1e-4',
    async (norm) => {
      const input = { distribution: 'pairs', batch: 24, width: 9, correlation: 0.5 };
      const c = residual({ norm, branchScale: '1/sqrt(depth)' }, { input });
      const [cpu, gpu] = [await new CpuEngine().run(c), await chunked.run(c)];
      cpu.series[0].layers.forEach((l, k) => {
        const difference = Math.abs(gpu.series[0].layers[k].correlation!.mean - l.correlation!.mean);
        expect(difference, `block ${k + 1}`).toBeLessThanOrEqual(1e-4);
      });
    },
  );

  it('a budget that cannot hold one whole matrix: a sentence saying so and what to lower', async () => {
    const small = await GpuEngine.create({ bufferBudget: 4 * 130 * 64 });
    try {
      const c = residual({}, { width: 130 });
      await expect(small.run(c)).rejects.toThrow(
        /does not fit the GPU memory it may use: one 130 × 130 weight matrix takes 67600 bytes, more than the 33280-byte buffers this run may use\. Lower width, batch or depth/,
      );
    } finally {
      small.dispose();
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
