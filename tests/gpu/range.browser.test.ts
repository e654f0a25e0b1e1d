import { afterAll, describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { compareRuns } from '../../src/lab/compare';
import type { LayerStats } from '../../src/lab/results';
import { AGREEMENT, config } from './agreement';

const engine = await GpuEngine.create();
afterAll(() => engine.dispose());

const has = (layer: LayerStats, kind: string, precision: string) =>
  layer.flags.some((f) => f.kind === kind && f.precision === precision);
/** No figure is a silent 0, ±Infinity or NaN: each is a finite non-zero measurement or carries a flag. */
const honest = (layer: LayerStats) =>
  layer.flags.length > 0 ||
  (['pre', 'post'] as const).every((q) => Number.isFinite(layer[q].meanSq) && layer[q].meanSq > 0);

describe('GPU engine at the edges of float32 and float64', () => {
  it('tanh with σ = 1e-5 (no exact route) agrees while float32 holds the layer, and flags underflow after', async () => {
    const c = config({ activation: 'tanh', width: 10, depth: 8, sweep: { kind: 'normal', sigma: 1e-5 } });
    const [cpu, gpu] = [await new CpuEngine().run(c), await engine.run(c)];
    const comparison = compareRuns(cpu, gpu, AGREEMENT);
    gpu.series[0].layers.forEach((layer, i) => {
      const rms = Math.sqrt(cpu.series[0].layers[i].pre.meanSq);
      // 2^-60 is where float32 stops holding values and their squares (shaders/layer.wgsl).
      if (rms < 2 ** -60) expect(has(layer, 'underflow', 'float32'), `layer ${i + 1}`).toBe(true);
      if (rms > 2 ** -50) expect(comparison.layers[i].pass, `layer ${i + 1}`).toBe(true);
      expect(honest(layer)).toBe(true);
    });
    expect(has(gpu.series[0].layers[7], 'underflow', 'float32')).toBe(true);
  });

  it('ReLU with σ = 1e-5 over 50 layers stays exact until float64 underflows, then flags it', async () => {
    const c = config({ width: 10, depth: 50, sweep: { kind: 'normal', sigma: 1e-5 } });
    const gpu = await engine.run(c);
    const layers = gpu.series[0].layers;
    expect(layers.every(honest)).toBe(true);
    expect(layers.slice(0, 20).every((l) => l.flags.length === 0)).toBe(true);
    expect(has(layers[49], 'underflow', 'float64')).toBe(true);
    expect(layers.some((l) => l.flags.some((f) => f.precision === 'float32'))).toBe(false);
  });

  it('linear with σ = 1000 over 100 layers flags float64 overflow instead of reporting Infinity', async () => {
    const c = config({ activation: 'linear', width: 10, depth: 100, sweep: { kind: 'normal', sigma: 1000 } });
    const layers = (await engine.run(c)).series[0].layers;
    expect(layers.every(honest)).toBe(true);
    expect(has(layers[99], 'overflow', 'float64')).toBe(true);
  });

  it('linear with bias (no exact route) flags float32 overflow before values reach Infinity', async () => {
    const c = config({ activation: 'linear', bias: 0.1, width: 10, depth: 12, sweep: { kind: 'normal', sigma: 100 } });
    const [cpu, gpu] = [await new CpuEngine().run(c), await engine.run(c)];
    gpu.series[0].layers.forEach((layer, i) => {
      // 2^48 is where float32 stops holding a value's square summed over a layer (shaders/layer.wgsl).
      if (Math.sqrt(cpu.series[0].layers[i].pre.meanSq) > 2 ** 49)
        expect(has(layer, 'overflow', 'float32'), `layer ${i + 1}`).toBe(true);
      expect(honest(layer)).toBe(true);
    });
  });
});

describe('past float32 on the GPU, what is computed from a value it could not hold is flagged too', () => {
  /** The layers after the first whose forward values float32 could not hold (overflow or NaN). */
  const afterBreak = (layers: LayerStats[]) => {
    const first = layers.findIndex((l) =>
      l.flags.some(
        (f) => f.precision === 'float32' && f.kind !== 'underflow' && (f.quantity === 'pre' || f.quantity === 'post'),
      ),
    );
    expect(first, 'float32 breaks somewhere').toBeGreaterThanOrEqual(0);
    return layers.slice(first + 1);
  };
  const flagged = (layer: LayerStats, quantity: string) =>
    layer.flags.some((f) => f.quantity === quantity && f.precision === 'float32');

  it('a ReLU network with bias and σ = 10: after a NaN that φ turns into 0, no later layer reads as a measurement', async () => {
    // Without carrying, Z restarted from the bias some layers after the NaN: finite, unflagged and wrong.
    const c = config({
      depth: 40,
      width: 16,
      bias: 0.1,
      input: { distribution: 'normal', batch: 8, width: 4 },
      init: { kind: 'normal', sigma: 10 },
    });
    const [cpu, gpu] = [await new CpuEngine().run(c, { backward: true }), await engine.run(c, { backward: true })];
    for (const layer of afterBreak(gpu.series[0].layers))
      for (const q of ['pre', 'post', 'grad', 'weightGrad'])
        expect(flagged(layer, q), `layer ${layer.layer} ${q}`).toBe(true);
    const comparison = compareRuns(cpu, gpu, AGREEMENT);
    expect(comparison.pass, JSON.stringify(comparison.worst)).toBe(true);
    expect(comparison.verdict).toBe('agree-where-held');
  });

  it('a residual network with α = 100: the stream, the branch and every gradient are flagged from the break on', async () => {
    const c = config({
      depth: 16,
      width: 16,
      architecture: { kind: 'residual', branchScale: 100 },
      input: { distribution: 'normal', batch: 8, width: 4 },
      init: { kind: 'normal', sigma: 10 },
    });
    const [cpu, gpu] = [await new CpuEngine().run(c, { backward: true }), await engine.run(c, { backward: true })];
    for (const layer of afterBreak(gpu.series[0].layers)) {
      // The top block's streamGrad is ∂L/∂x_{L+1}, the probe g itself: nothing of the forward pass reaches it.
      const backward = ['grad', 'weightGrad', 'branchWeightGrad', ...(layer.layer < 16 ? ['streamGrad'] : [])];
      for (const q of ['pre', 'post', 'branch', 'stream', ...backward])
        expect(flagged(layer, q), `layer ${layer.layer} ${q}`).toBe(true);
    }
    const comparison = compareRuns(cpu, gpu, AGREEMENT);
    expect(comparison.pass, JSON.stringify(comparison.worst)).toBe(true);
  });
});

describe('GPU backward pass at the edges of float32', () => {
  it('leaky ReLU with σ = 1e-5 (exact route): gradients far below float32 (mean square < 1e-60) agree with the CPU, unflagged', async () => {
    const c = config({
      activation: 'leaky-relu',
      slope: 0.2,
      width: 10,
      depth: 8,
      sweep: { kind: 'normal', sigma: 1e-5 },
    });
    const [cpu, gpu] = [await new CpuEngine().run(c, { backward: true }), await engine.run(c, { backward: true })];
    const comparison = compareRuns(cpu, gpu, AGREEMENT);
    expect(comparison.pass, JSON.stringify(comparison.worst)).toBe(true);
    expect(gpu.series[0].layers[0].grad!.meanSq).toBeLessThan(1e-60);
  });

  it('tanh with σ = 1e-5 (no exact route forward): ∂L/∂Z carries its exponents far below float32 and agrees at every layer; ∂L/∂W is not comparable where H underflowed', async () => {
    const c = config({ activation: 'tanh', width: 10, depth: 8, sweep: { kind: 'normal', sigma: 1e-5 } });
    const [cpu, gpu] = [await new CpuEngine().run(c, { backward: true }), await engine.run(c, { backward: true })];
    const comparison = compareRuns(cpu, gpu, AGREEMENT);
    expect(comparison.pass, JSON.stringify(comparison.worst)).toBe(true);
    gpu.series[0].layers.forEach((layer, i) => {
      const where = `layer ${i + 1}`;
      expect(
        comparison.layers[i].notComparable.some((n) => n.quantity === 'grad'),
        where,
      ).toBe(false);
      // H_{l−1} feeds ∂L/∂W_l; where float32 lost it (2^-60, shaders/lib/range.wgsl) the weight gradient is flagged.
      const input = i === 0 ? Infinity : Math.sqrt(cpu.series[0].layers[i - 1].post.meanSq);
      if (input < 2 ** -60) expect(has(layer, 'underflow', 'float32'), where).toBe(true);
    });
    // Far below float32's smallest normal at the first layer, and measured.
    expect(gpu.series[0].layers[0].grad!.meanSq).toBeLessThan(1e-60);
    expect(comparison.verdict).toBe('agree-where-held');
  });

  it('a leaky ReLU network with negative bias (no exact route): gradients agree with the CPU wherever both hold them', async () => {
    // The configuration a user reported answering DISAGREE, its gradients flagged as float32 underflow on the GPU.
    const c = config({
      seed: 4092891721,
      depth: 10,
      width: 33,
      bias: -0.5,
      activation: 'leaky-relu',
      input: { values: [2.05, 1.66, -0.05, 1.64, -0.35, -2.98, -2.52, -1.28, -2.41] },
      init: { kind: 'uniform', a: 0.0629 },
    });
    const [cpu, gpu] = [await new CpuEngine().run(c, { backward: true }), await engine.run(c, { backward: true })];
    const comparison = compareRuns(cpu, gpu, AGREEMENT);
    expect(comparison.pass, JSON.stringify(comparison.worst)).toBe(true);
    expect(gpu.series[0].layers.flatMap((l) => l.flags).filter((f) => f.quantity === 'grad')).toEqual([]);
  });
});
