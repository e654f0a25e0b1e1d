import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { inputMatrix } from '../../src/cpu/layers';
import { compareRuns } from '../../src/lab/compare';
import { defaultConfig, type ExperimentConfig, formatError, parseConfig } from '../../src/lab/config';
import { resolveRunOptions } from '../../src/lab/engine';
import { pairCosines } from '../../src/lab/pairs';
import { theoryCurves } from '../../src/lab/theory';
import { verificationPlan } from '../../src/lab/verification';
import { readUrl, writeUrl } from '../../src/ui/urlState';

const engine = new CpuEngine();
const pairs = (batch: number, width: number, correlation: number) =>
  ({ distribution: 'pairs', batch, width, correlation }) as const;

describe('the pairs input in the config', () => {
  it('takes {"distribution": "pairs", "batch": B, "width": n₀, "correlation": c₀} and travels through the URL', () => {
    const r = parseConfig({ input: pairs(32, 64, 0.5) });
    expect(r.ok && r.config.input).toEqual(pairs(32, 64, 0.5));
    const config: ExperimentConfig = { ...defaultConfig(), input: pairs(8, 16, -0.25) };
    expect(writeUrl(config, 'cpu')).toContain('input=pairs:batch=8,width=16,correlation=-0.25');
    expect(readUrl(writeUrl(config, 'cpu'))).toEqual({ config, engine: 'cpu', problems: [] });
  });

  it.each([
    [{ ...pairs(7, 4, 0.5) }, 'input.batch = 7: an even integer from 2 to 1048576: B/2 pairs of rows'],
    [{ ...pairs(8, 4, 1.5) }, "input.correlation = 1.5: a number from -1 to 1: each pair's correlation c₀"],
    [
      { distribution: 'pairs', batch: 8, width: 4 },
      "input.correlation = missing: a number from -1 to 1: each pair's correlation c₀",
    ],
    [
      { distribution: 'normal', batch: 8, width: 4, correlation: 0.5 },
      'input.correlation = 0.5: only with "distribution": "pairs"',
    ],
  ])('refuses %j with a sentence', (input, sentence) => {
    const r = parseConfig({ input });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map(formatError)).toContain(sentence);
  });

  it('a run over some rows must take whole pairs, in order, so that every chunk keeps its pairs together', () => {
    const config: ExperimentConfig = { ...defaultConfig(), input: pairs(10, 4, 0.5) };
    expect(resolveRunOptions(config, { rows: [2, 3, 8, 9] }).rows).toEqual([2, 3, 8, 9]);
    expect(() => resolveRunOptions(config, { rows: [3, 4] })).toThrow(/whole pairs in order/);
    expect(() => resolveRunOptions(config, { rows: [2, 3, 4] })).toThrow(/row 4 is not followed by its partner/);
  });

  it('the verification plan captures whole pairs spread over the batch', () => {
    const config: ExperimentConfig = { ...defaultConfig(), width: 2048, input: pairs(1000, 2048, 0.5) };
    const plan = verificationPlan(config);
    expect(plan.sampled).toBe(true);
    expect(plan.captureRows).toEqual([0, 1, 250, 251, 500, 501, 750, 751]);
  });
});

describe('how the pairs are drawn', () => {
  const n0 = 20_000;
  const config: ExperimentConfig = { ...defaultConfig(), input: pairs(4, n0, 0.3) };
  const x = inputMatrix(config, 0, [0, 1, 2, 3]);
  const row = (r: number) => x.subarray(r * n0, (r + 1) * n0);
  const mean = (v: Float64Array) => v.reduce((s, a) => s + a, 0) / v.length;

  it('row 2k is the normal input’s row 2k; row 2k + 1 has unit variance and coordinate correlation c₀', () => {
    const normal = inputMatrix({ ...config, input: { distribution: 'normal', batch: 4, width: n0 } }, 0, [0, 2]);
    expect(Array.from(row(0))).toEqual(Array.from(normal.subarray(0, n0)));
    expect(Array.from(row(2))).toEqual(Array.from(normal.subarray(n0)));
    // Over 20 000 coordinates: E[x²] = 1 has standard error √(2/n) = 0.01, the correlation (1 − c₀²)/√n = 0.0064.
    for (const r of [1, 3]) expect(Math.abs(mean(row(r).map((v) => v * v)) - 1)).toBeLessThan(0.05);
    for (const a of [0, 2]) {
      const cross = mean(row(a).map((v, c) => v * row(a + 1)[c]));
      expect(Math.abs(cross - 0.3)).toBeLessThan(5 * 0.0064);
    }
  });

  it('the cosine of a pair of inputs is c₀ within sampling error', () => {
    const cosines = pairCosines(x, 4, n0);
    expect(cosines.count).toBe(2);
    expect(Math.abs(cosines.mean - 0.3)).toBeLessThan(5 * 0.0064);
  });
});

describe('measured correlation against the mean-field c-map (CPU engine, width ≥ 512)', () => {
  /** Mean and standard error of the layers' correlations over networks drawn from `seeds` seeds. */
  async function measure(config: ExperimentConfig, seeds: number) {
    const runs = await Promise.all(Array.from({ length: seeds }, (_, k) => engine.run({ ...config, seed: 40 + k })));
    return Array.from({ length: config.depth }, (_, l) => {
      const values = runs.map((r) => r.series[0].layers[l].correlation!.mean);
      const mean = values.reduce((s, v) => s + v, 0) / seeds;
      const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (seeds - 1));
      return { mean, standardError: sd / Math.sqrt(seeds) };
    });
  }

  it.each([
    ['ordered', 0.8, 0.3],
    ['chaotic', 2.5, 0.9],
  ] as const)(
    'tanh, %s (σ_w = %f, σ_b = 0.1, c₀ = %f): c_l within 4 standard errors, layer by layer',
    async (_, gain, c0) => {
      const config: ExperimentConfig = {
        ...defaultConfig(),
        activation: 'tanh',
        width: 512,
        depth: 8,
        bias: { kind: 'normal', sigma: 0.1 },
        input: pairs(8, 512, c0),
        sweep: [{ kind: 'he-normal', gain }],
      };
      const theory = theoryCurves(config)[0].layers;
      const measured = await measure(config, 12);
      // Twelve networks' spread gives the standard error; the mean field's own O(1/n) bias at n = 512 is far inside it.
      // A floor of 1e-3 keeps layers where every network's c nearly agrees from asking for more than the mean field's
      // own accuracy at this width.
      measured.forEach((m, l) => {
        const allowed = Math.max(4 * m.standardError, 1e-3);
        expect(Math.abs(m.mean - theory[l].correlation!.mean), `layer ${l + 1}`).toBeLessThan(allowed);
      });
      // Order draws the pair together towards c = 1; chaos pulls it apart towards c* ≈ 0.015.
      if (gain === 2.5) expect(measured[7].mean).toBeLessThan(measured[0].mean - 0.3);
      else expect(measured[7].mean).toBeGreaterThan(measured[0].mean + 0.3);
    },
  );

  it('ReLU under He (σ_b = 0, width 1024): c_l follows the arc-cosine map c ↦ (√(1 − c²) + (π − arccos c)·c)/π', async () => {
    const config: ExperimentConfig = {
      ...defaultConfig(),
      width: 1024,
      depth: 6,
      input: pairs(8, 1024, 0),
      sweep: [{ kind: 'he-normal' }],
    };
    const measured = await measure(config, 6);
    let c = 0;
    measured.forEach((m, l) => {
      // Layer 1 sees the inputs' own cosines; the map applies from layer 2 on.
      if (l > 0) c = (Math.sqrt(1 - c * c) + (Math.PI - Math.acos(c)) * c) / Math.PI;
      expect(Math.abs(m.mean - c), `layer ${l + 1}`).toBeLessThan(Math.max(4 * m.standardError, 1e-3));
    });
  });
});

describe('correlation in the comparison of two runs', () => {
  it('is compared as an absolute difference of mean cosines, and left out where Z is not held', async () => {
    const config: ExperimentConfig = {
      ...defaultConfig(),
      activation: 'tanh',
      width: 16,
      depth: 2,
      input: pairs(4, 8, 0.5),
      sweep: [{ kind: 'he-normal' }],
    };
    const reference = await engine.run(config);
    const shifted = structuredClone(reference);
    shifted.series[0].layers[1].correlation!.mean += 2e-4;
    const differs = compareRuns(reference, shifted);
    expect(differs.worst?.figure).toBe('correlation');
    expect(differs.worst?.difference).toBeCloseTo(2e-4, 10);
    expect(differs.verdict).toBe('disagree');
    shifted.series[0].layers[1].flags.push({ quantity: 'pre', kind: 'underflow', precision: 'float32' });
    const held = compareRuns(reference, shifted);
    expect(held.layers[1].correlation).toBeUndefined();
    expect(held.verdict).toBe('agree-where-held');
  });
});
