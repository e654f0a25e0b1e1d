/** The page's runner: a figure whose network the chosen engine refuses runs on the fallback at once and says why. */
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { gpuRunRefusal } from '../../src/gpu/refusal';
import { defaultConfig, type ExperimentConfig } from '../../src/lab/config';
import type { Engine } from '../../src/lab/engine';
import type { RunResult } from '../../src/lab/results';
import { type Job, Runner, runningEngine } from '../../src/ui/runner';

/** An engine standing for the GPU: it refuses what the GPU refuses, and fails the test if asked to run anything. */
function refusingEngine(): Engine & { runs: number } {
  const cpu = new CpuEngine();
  return {
    name: 'gpu',
    runs: 0,
    refusal: (config: ExperimentConfig, options?: { histogramBins?: number }) => gpuRunRefusal(config, options ?? {}),
    async run() {
      this.runs++;
      throw new Error('the refusing engine was asked to run');
    },
    estimate: (config, options) => cpu.estimate(config, options),
    train: () => Promise.reject(new Error('not used')),
    dispose: () => undefined,
  };
}

describe('a job the chosen engine refuses', () => {
  it('runs on the fallback, never on the refusing engine, and its figure says why', async () => {
    const [gpu, cpu] = [refusingEngine(), new CpuEngine()];
    const seed = defaultConfig();
    const residual = {
      ...seed,
      architecture: { ...seed.architecture, norm: 'layer' as const },
    };
    const shown: { id: string; engine: string; substitution: string }[] = [];
    const job = (id: string, config: ExperimentConfig): Job => ({
      id,
      config,
      engine: gpu,
      fallback: cpu,
      done: (result: RunResult, substitution: string) => shown.push({ id, engine: result.engine, substitution }),
    });
    const histogramsJob = { ...job('residual', residual), options: { histogramBins: 10 } };
    expect(runningEngine(histogramsJob)).toBe(cpu);
    expect(await new Runner().run([histogramsJob], () => undefined)).toBe(true);
    expect(gpu.runs).toBe(0);
    expect(shown).toEqual([
      {
        id: 'residual',
        engine: 'cpu',
        substitution:
          'The GPU engine does not compute histograms of plain, LayerNorm networks yet, so this figure ran on the CPU engine.',
      },
    ]);
    // Its statistics, forward and backward, and the plain network's histograms would run on the refusing engine.
    expect(runningEngine(job('residual statistics', residual))).toBe(gpu);
    expect(runningEngine({ ...job('residual backward', residual), options: { backward: true } })).toBe(gpu);
    expect(runningEngine({ ...job('seed', seed), options: { histogramBins: 10 } })).toBe(gpu);
  });
});
