import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { inputMatrix } from '../../src/cpu/layers';
import { defaultConfig, type ExperimentConfig } from '../../src/lab/config';
import { CancelledError } from '../../src/lab/engine';

const engine = new CpuEngine();
const SEED_NORM_SQ = 55; // ‖[1,2,3,4,5]‖²

describe('the seed experiment on the float64 reference', () => {
  it('σ = 1e-5 vanishes to about 1e-74 by layer 8 and σ = 0.5 grows, with nothing flagged', async () => {
    const result = await engine.run(defaultConfig());
    const smallest = result.series[0].layers[7].pre.meanSq;
    // Expected E[Z_8²] = 4.3e-74 (NOTES.md); one draw at width 10 scatters within a few orders of magnitude.
    expect(smallest).toBeGreaterThan(1e-77);
    expect(smallest).toBeLessThan(1e-71);
    const largest = result.series[4].layers;
    expect(largest[7].pre.meanSq).toBeGreaterThan(largest[0].pre.meanSq);
    expect(result.series.flatMap((s) => s.layers.flatMap((l) => l.flags))).toEqual([]);
  });
});

describe('closed form: ReLU, zero bias, fixed X: E[Z_l²] = v·‖X‖²·(n·v/2)^(l−1) at any width', () => {
  it('the mean over 4000 trials at width 10, depth 8 lies within 4 standard errors of it, layer by layer', async () => {
    const sigma = 0.5,
      v = sigma * sigma,
      width = 10,
      depth = 8;
    // 20 independent runs of 200 trials: their spread gives the standard error of the 4000-trial mean.
    const runs = await Promise.all(
      Array.from({ length: 20 }, (_, k) =>
        engine.run({ ...defaultConfig(), seed: 1000 + k, trials: 200, sweep: [{ kind: 'normal', sigma }] }),
      ),
    );
    for (let l = 1; l <= depth; l++) {
      const runMeans = runs.map((r) => r.series[0].layers[l - 1].pre.meanSq);
      const mean = runMeans.reduce((s, x) => s + x, 0) / runMeans.length;
      const spread = Math.sqrt(runMeans.reduce((s, x) => s + (x - mean) ** 2, 0) / (runMeans.length - 1));
      const standardError = spread / Math.sqrt(runMeans.length);
      const theory = v * SEED_NORM_SQ * ((width * v) / 2) ** (l - 1);
      expect(Math.abs(mean - theory), `layer ${l}: ${mean} vs ${theory} ± ${standardError}`).toBeLessThan(
        4 * standardError,
      );
    }
  });
});

describe('He initialization', () => {
  it('He normal at width 512 keeps Var(Z_l) ≈ 2·E[x²] across 8 layers for a random normal batch', async () => {
    const config: ExperimentConfig = {
      ...defaultConfig(),
      width: 512,
      depth: 8,
      seed: 5,
      input: { distribution: 'normal', batch: 256, width: 512 },
      sweep: [{ kind: 'he-normal' }],
    };
    const result = await engine.run(config);
    const x = inputMatrix(
      config,
      0,
      Array.from({ length: 256 }, (_, i) => i),
    );
    const inputMeanSq = x.reduce((s, v) => s + v * v, 0) / x.length;
    // Per layer, one draw of W at n = 512 with 256 rows moves E[Z²] by ≈ √(2(1/n + 1/B)/n) ≈ 0.5 %; eight layers
    // compound to ≈ 1.5 %. 10 % is several times that, and far below Xavier's halving per layer.
    for (const layer of result.series[0].layers) {
      expect(layer.pre.var / (2 * inputMeanSq)).toBeGreaterThan(0.9);
      expect(layer.pre.var / (2 * inputMeanSq)).toBeLessThan(1.1);
    }
  });
});

describe('row subsets and captures', () => {
  const config: ExperimentConfig = {
    ...defaultConfig(),
    width: 33,
    depth: 3,
    input: { distribution: 'uniform', batch: 12, width: 7 },
    sweep: [{ kind: 'xavier-uniform' }],
  };

  it('computing only rows 3 and 7 gives exactly the activations of those rows in the full run', async () => {
    const full = await engine.run(config, { captureRows: [3, 7] });
    const subset = await engine.run(config, { rows: [3, 7], captureRows: [3, 7] });
    expect(subset.capture!.preActivations).toEqual(full.capture!.preActivations);
    expect(full.capture!.preActivations[0]).toHaveLength(3);
    expect(full.capture!.preActivations[0][0]).toHaveLength(2 * 33);
  });

  it('rejects rows outside the batch with a message', async () => {
    await expect(engine.run(config, { rows: [12] })).rejects.toThrow(/outside the batch/);
  });
});

describe('progress and cancellation', () => {
  it('reports one progress step per layer, series and trial', async () => {
    const steps: number[] = [];
    await engine.run({ ...defaultConfig(), trials: 2 }, { onProgress: (p) => steps.push(p.done) });
    expect(steps).toEqual(Array.from({ length: 5 * 2 * 8 }, (_, i) => i + 1));
  });

  it('an aborted run stops with CancelledError', async () => {
    const controller = new AbortController();
    const run = engine.run(
      { ...defaultConfig(), width: 256, depth: 200 },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.done === 3) controller.abort();
        },
      },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });
});
