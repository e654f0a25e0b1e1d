import { afterAll, describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { compareRuns } from '../../src/lab/compare';
import { AGREEMENT, config } from './agreement';

const engine = await GpuEngine.create();
afterAll(() => engine.dispose());

describe('the Jacobian on the GPU engine', () => {
  it.each([
    [1, 8],
    [1.1, 8],
    [1e-3, 12],
  ])(
    'orthogonal linear network, gain %f, depth %i: every singular value is gain^depth to float32 precision',
    async (gain, depth) => {
      const c = config({
        activation: 'linear',
        width: 64,
        depth,
        input: { distribution: 'normal', batch: 3, width: 64 },
        init: { kind: 'orthogonal', gain },
      });
      const spectrum = (await engine.run(c, { jacobian: true })).series[0].jacobian!;
      expect(spectrum.singularValues).toHaveLength(64);
      // Each layer's 64-term float32 sums round at ~2^-24·√64 ≈ 5e-7 relative; over 12 layers, a few 1e-6.
      // gain 1e-3 at depth 12 is 1e-36, below float32's smallest normal: the carried powers of two hold it.
      for (const s of spectrum.singularValues) expect(Math.abs(s / gain ** depth - 1)).toBeLessThan(1e-5);
    },
  );

  it.each([
    ['tanh', { kind: 'normal', sigma: 0.1 }, { kind: 'he-normal', gain: 1.2 }],
    ['relu', 0, { kind: 'he-normal' }],
    ['gelu', 0.05, { kind: 'orthogonal', gain: 1.3 }],
  ] as const)(
    '%s: the spectra agree with the float64 CPU within 1e-4 of the largest value, beside a backward pass',
    async (activation, bias, init) => {
      const c = config({
        activation,
        bias,
        width: 40,
        depth: 5,
        trials: 2,
        input: { distribution: 'normal', batch: 5, width: 24 },
        init,
      });
      const options = { jacobian: true, backward: true };
      const [cpu, gpu] = [await new CpuEngine().run(c, options), await engine.run(c, options)];
      const comparison = compareRuns(cpu, gpu, AGREEMENT);
      expect(comparison.spectra).toHaveLength(1);
      expect(comparison.pass, JSON.stringify(comparison.worst)).toBe(true);
      expect(gpu.series[0].jacobian!.singularValues).toHaveLength(2 * 24);
    },
  );

  it('when the weights come in column blocks and the batch in chunks', async () => {
    // A 128 KiB budget holds 128 columns of a 200-row weight matrix: the width of 200 takes two blocks, and the run's
    // 512 KiB in all hold the tangent rows (3 × 100 × 200 floats) beside them.
    const blocked = await GpuEngine.create({ bufferBudget: 2 ** 17, maxRowsPerChunk: 64 });
    const c = config({
      activation: 'tanh',
      width: 200,
      depth: 3,
      input: { distribution: 'uniform', batch: 130, width: 100 },
      init: { kind: 'xavier-normal', gain: 1.4 },
    });
    const [cpu, gpu] = [await new CpuEngine().run(c, { jacobian: true }), await blocked.run(c, { jacobian: true })];
    blocked.dispose();
    expect(gpu.gpuPlan!.forwardColumns).toBeLessThan(200);
    expect(gpu.gpuPlan!.chunks).toBeGreaterThan(1);
    const comparison = compareRuns(cpu, gpu, AGREEMENT);
    expect(comparison.pass, JSON.stringify(comparison.worst)).toBe(true);
  });
});
