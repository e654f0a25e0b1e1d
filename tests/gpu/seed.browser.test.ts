import { afterAll, describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { compareRuns } from '../../src/lab/compare';
import { defaultConfig } from '../../src/lab/config';

const engine = await GpuEngine.create();
afterAll(() => engine.dispose());

/** The bar: every statistic of the seed experiment within 1e-4 of the float64 reference. */
const SEED_TOLERANCE = 1e-4;

describe('GPU engine on the seed experiment', () => {
  it('all five σ, all eight layers, pre and post agree with the CPU within 1e-4 relative', async () => {
    const config = defaultConfig();
    const [cpu, gpu] = [
      await new CpuEngine().run(config, { captureRows: [0] }),
      await engine.run(config, { captureRows: [0] }),
    ];
    const comparison = compareRuns(cpu, gpu, { statistic: SEED_TOLERANCE, activation: SEED_TOLERANCE });
    expect(comparison.worst!.difference, JSON.stringify(comparison.worst)).toBeLessThan(SEED_TOLERANCE);
    expect(comparison.pass).toBe(true);
    expect(gpu.device).toBe(engine.device);
  });

  it('σ = 1e-5 reaches ~1e-74 at layer 8 on GPU, far below float32, without a flag', async () => {
    const gpu = await engine.run(defaultConfig());
    const deepest = gpu.series[0].layers[7];
    expect(deepest.flags).toEqual([]);
    expect(deepest.pre.meanSq).toBeGreaterThan(1e-80);
    expect(deepest.pre.meanSq).toBeLessThan(1e-70);
  });
});
