import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { compareRuns } from '../../src/lab/compare';
import { activationDifference, relativeDifference } from '../../src/lab/compareValues';
import { defaultConfig, type ExperimentConfig, parseConfig } from '../../src/lab/config';
import type { RunResult } from '../../src/lab/results';

/** A copy of a run with every pre-activation statistic of one layer scaled by (1 + e). */
function perturbed(result: RunResult, series: number, layer: number, e: number): RunResult {
  const copy = structuredClone(result);
  const pre = copy.series[series].layers[layer].pre;
  pre.var *= 1 + e;
  pre.meanSq *= 1 + e;
  return copy;
}

function randomBatchConfig(): ExperimentConfig {
  const parsed = parseConfig({
    width: 6,
    depth: 3,
    input: { distribution: 'normal', batch: 20, width: 4 },
    init: { kind: 'he-normal' },
  });
  if (!parsed.ok) throw new Error('bad test config');
  return parsed.config;
}

describe('compareRuns', () => {
  it('a run compared with itself passes with every difference 0', async () => {
    const run = await new CpuEngine().run(defaultConfig());
    const comparison = compareRuns(run, run);
    expect(comparison.pass).toBe(true);
    expect(comparison.layers).toHaveLength(5 * 8);
    expect(
      comparison.layers.every((l) => [...Object.values(l.pre), ...Object.values(l.post)].every((d) => d === 0)),
    ).toBe(true);
  });

  it('a statistic off by twice the tolerance fails that layer and is named the worst', async () => {
    const run = await new CpuEngine().run(defaultConfig());
    const comparison = compareRuns(run, perturbed(run, 2, 4, 2e-4));
    expect(comparison.pass).toBe(false);
    expect(comparison.layers.filter((l) => !l.pass).map((l) => [l.series, l.layer])).toEqual([[2, 5]]);
    expect(comparison.worst).toMatchObject({ series: 2, layer: 5 });
    // 2e-4 relative on var, up to the rounding of (1 + 2e-4) in float64.
    expect(comparison.worst!.difference).toBeCloseTo(2e-4, 12);
  });

  it('the mean is measured against the RMS, so a mean near zero does not magnify rounding', () => {
    expect(relativeDifference(1e-9, 0, 1)).toBe(1e-9);
    expect(relativeDifference(0, 0, 0)).toBe(0);
    expect(relativeDifference(1e-30, 0, 0)).toBe(Infinity);
  });

  it('activation differences are relative to the RMS of the reference rows', () => {
    const reference = new Float64Array([3, -4, 0, 0]); // RMS = 2.5
    expect(activationDifference(new Float64Array([3, -4, 0.25, 0]), reference)).toBeCloseTo(0.1, 15);
    expect(activationDifference(new Float64Array([3, -4, NaN, 0]), reference)).toBe(Infinity);
  });

  it('a figure only the candidate flagged is not comparable: listed with both values, apart from the verdict', async () => {
    const run = await new CpuEngine().run(defaultConfig());
    const flagged = structuredClone(run);
    flagged.series[0].layers[7].flags.push({ quantity: 'pre', kind: 'underflow', precision: 'float32' });
    flagged.series[0].layers[7].pre.var *= 2;
    const comparison = compareRuns(run, flagged);
    expect(comparison.pass).toBe(true);
    expect(comparison.complete).toBe(false);
    expect(comparison.verdict).toBe('agree-where-held');
    expect(comparison.layers[7].notComparable).toEqual([
      {
        quantity: 'pre',
        referenceFlags: [],
        candidateFlags: [{ quantity: 'pre', kind: 'underflow', precision: 'float32' }],
        referenceMeanSq: run.series[0].layers[7].pre.meanSq,
        candidateMeanSq: flagged.series[0].layers[7].pre.meanSq,
      },
    ]);
    // The doubled variance of the unheld Z does not count as a difference.
    expect(comparison.worst?.difference).toBe(0);
  });

  it('an unflagged figure outside tolerance disagrees even when another figure is not comparable', async () => {
    const run = await new CpuEngine().run(defaultConfig());
    const off = structuredClone(run);
    off.series[0].layers[7].flags.push({ quantity: 'pre', kind: 'underflow', precision: 'float32' });
    off.series[1].layers[2].post.var *= 1 + 2e-4;
    const comparison = compareRuns(run, off);
    expect(comparison.verdict).toBe('disagree');
    expect(comparison.worst).toMatchObject({ series: 1, layer: 3, figure: 'post.var' });
  });

  it('a run agrees with itself completely', async () => {
    const run = await new CpuEngine().run(defaultConfig());
    expect(compareRuns(run, run)).toMatchObject({ pass: true, complete: true, verdict: 'agree' });
  });

  it('a reference computed on sampled rows is compared with the statistics of the same captured rows', async () => {
    const config = randomBatchConfig();
    const rows = [3, 11, 17];
    const full = await new CpuEngine().run(config, { captureRows: rows });
    const sampled = await new CpuEngine().run(config, { rows, captureRows: rows });
    const comparison = compareRuns(sampled, full, {}, { referenceRows: 'captured' });
    expect(comparison.statisticsFrom).toBe('captured');
    expect(comparison.pass).toBe(true);
    expect(comparison.layers.every((l) => l.activation === 0)).toBe(true);
    // Without the option the full-batch statistics differ from the three-row ones.
    expect(compareRuns(sampled, full).pass).toBe(false);
  });
});

describe('compareRuns on backward statistics', () => {
  const backwardConfig = () => {
    const parsed = parseConfig({
      width: 6,
      depth: 3,
      input: { distribution: 'normal', batch: 12, width: 4 },
      init: { kind: 'he-normal' },
    });
    if (!parsed.ok) throw new Error('bad test config');
    return parsed.config;
  };

  it('compares grad and weightGrad when the reference has them, and a run agrees with itself', async () => {
    const run = await new CpuEngine().run(backwardConfig(), { backward: true });
    const comparison = compareRuns(run, run);
    expect(comparison.pass).toBe(true);
    expect(comparison.layers.every((l) => l.grad?.var === 0 && l.weightGrad?.meanSq === 0)).toBe(true);
  });

  it('a weight-gradient variance off by twice the tolerance fails that layer and is named the worst', async () => {
    const run = await new CpuEngine().run(backwardConfig(), { backward: true });
    const off = structuredClone(run);
    off.series[0].layers[1].weightGrad!.var *= 1 + 2e-4;
    const comparison = compareRuns(run, off);
    expect(comparison.layers.filter((l) => !l.pass).map((l) => l.layer)).toEqual([2]);
    expect(comparison.worst).toMatchObject({ layer: 2, figure: 'weightGrad.var' });
  });

  it('a candidate without gradients fails against a reference with them', async () => {
    const config = backwardConfig();
    const comparison = compareRuns(
      await new CpuEngine().run(config, { backward: true }),
      await new CpuEngine().run(config),
    );
    expect(comparison.pass).toBe(false);
    expect(comparison.layers.every((l) => l.grad?.mean === Infinity)).toBe(true);
  });

  it('a gradient the candidate flagged is not comparable, the rest of its layer still is', async () => {
    const run = await new CpuEngine().run(backwardConfig(), { backward: true });
    const flagged = structuredClone(run);
    flagged.series[0].layers[0].flags.push({ quantity: 'grad', kind: 'underflow', precision: 'float32' });
    flagged.series[0].layers[0].weightGrad!.var *= 1 + 2e-4;
    const comparison = compareRuns(run, flagged);
    expect(comparison.layers[0].notComparable.map((n) => n.quantity)).toEqual(['grad']);
    expect(comparison.layers[0].pass).toBe(false);
    expect(comparison.worst).toMatchObject({ layer: 1, figure: 'weightGrad.var' });
  });
});
