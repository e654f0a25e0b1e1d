import { afterAll, describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import type { PhaseMeasurement } from '../../src/lab/phase';
import { config } from './agreement';

const engine = await GpuEngine.create();
afterAll(() => engine.dispose());

/**
 * GPU against CPU at every point: q_L and χ₁ relative, the correlation absolute (a cosine), all within 1e-4, the bar
 * of every other GPU figure; float32 sums over a few hundred terms round at ~1e-6.
 */
function expectAgreement(gpu: PhaseMeasurement[], cpu: PhaseMeasurement[]): void {
  expect(gpu).toHaveLength(cpu.length);
  cpu.forEach((c, i) => {
    const g = gpu[i];
    expect(Math.abs(g.qLast! / c.qLast! - 1), `point ${i} q`).toBeLessThan(1e-4);
    expect(Math.abs(g.chi1! / c.chi1! - 1), `point ${i} χ₁`).toBeLessThan(1e-4);
    expect(Math.abs(g.correlation! - c.correlation!), `point ${i} c`).toBeLessThan(1e-4);
  });
}

const phaseConfig = (activation: string, extra: object = {}) =>
  config({
    activation,
    width: 48,
    depth: 4,
    trials: 2,
    input: { distribution: 'pairs', batch: 8, width: 20, correlation: 0.3 },
    phase: { sigmaW: [0.6, 2.4, 4], sigmaB: [0, 0.5, 3] },
    ...extra,
  });

describe('the phase diagram on the GPU engine', () => {
  it.each(['tanh', 'relu', 'gelu'])(
    '%s: every point’s q_L, χ₁ and c_L agree with the float64 CPU',
    async (activation) => {
      const c = phaseConfig(activation);
      const [cpu, gpu] = [await new CpuEngine().run(c, { phase: true }), await engine.run(c, { phase: true })];
      expect(gpu.series).toEqual([]);
      expectAgreement(gpu.phase!, cpu.phase!);
    },
  );

  it('in groups of networks when the budget holds a few at a time, with the same numbers', async () => {
    // 8 rows × 48 units × 4 bytes = 1536 bytes per network: a 4 KiB budget holds two networks per group.
    const grouped = await GpuEngine.create({ bufferBudget: 4096 });
    const c = phaseConfig('tanh', { trials: 1 });
    const [cpu, gpu] = [await new CpuEngine().run(c, { phase: true }), await grouped.run(c, { phase: true })];
    grouped.dispose();
    expectAgreement(gpu.phase!, cpu.phase!);
  });

  it('a network whose values leave float32 has its q_L and c_L marked not held (null), not reported as numbers', async () => {
    // Linear, σ_w = 20, 40 layers: |z| ≈ 20^40 ≈ 1e52, beyond float32's 3.4e38 but well within float64.
    const c = config({
      activation: 'linear',
      width: 16,
      depth: 40,
      input: { distribution: 'pairs', batch: 4, width: 16, correlation: 0.5 },
      phase: { sigmaW: [1, 20, 2], sigmaB: [0.1, 0.1, 1] },
    });
    const [cpu, gpu] = [await new CpuEngine().run(c, { phase: true }), await engine.run(c, { phase: true })];
    expect(cpu.phase![1].qLast).toBeGreaterThan(1e100);
    expect(gpu.phase![1].qLast).toBeNull();
    expect(gpu.phase![1].correlation).toBeNull();
    expect(Math.abs(gpu.phase![0].qLast! / cpu.phase![0].qLast! - 1)).toBeLessThan(1e-4);
  });
});
