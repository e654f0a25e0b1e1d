import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { bindActivation } from '../../src/lab/activations';
import { type ExperimentConfig, formatError, parseConfig } from '../../src/lab/config';
import { resolveRunOptions } from '../../src/lab/engine';
import { weightDistribution } from '../../src/lab/initializers';
import { chi1, lengthFixedPoint, pairPropagation } from '../../src/lab/meanField';
import {
  criticalSigmaW,
  measuredBoundary,
  type PhasePoint,
  phasePoints,
  phaseProblems,
  pointConfig,
} from '../../src/lab/phase';
import { phaseResultJson } from '../../src/lab/results';
import { sampleWeights } from '../../src/lab/sampling';
import { readUrl, writeUrl } from '../../src/ui/urlState';

const engine = new CpuEngine();

function phaseConfig(raw: object): ExperimentConfig {
  const parsed = parseConfig({
    activation: 'tanh',
    depth: 4,
    width: 24,
    input: { distribution: 'pairs', batch: 6, width: 10, correlation: 0.4 },
    phase: { sigmaW: [0.5, 2.5, 3], sigmaB: [0, 0.4, 2] },
    ...raw,
  });
  if (!parsed.ok) throw new Error(parsed.errors.map(formatError).join('; '));
  return parsed.config;
}

describe('the phase field of the config', () => {
  it('lays out the grid σ_b outer, σ_w inner, evenly from `from` to `to`', () => {
    const points = phasePoints(phaseConfig({}));
    expect(points.map((p) => [p.sigmaW, p.sigmaB])).toEqual([
      [0.5, 0],
      [1.5, 0],
      [2.5, 0],
      [0.5, 0.4],
      [1.5, 0.4],
      [2.5, 0.4],
    ]);
  });

  it.each([
    [
      { sigmaW: [0, 1, 4], sigmaB: [0, 1, 4] },
      'phase.sigmaW = [0,1,4]: [from, to, steps] with from > 0, from ≤ to ≤ 100 and steps an integer from 1 to 128',
    ],
    [
      { sigmaW: [1, 2, 4], sigmaB: [0.5, 0.1, 4] },
      'phase.sigmaB = [0.5,0.1,4]: [from, to, steps] with from ≥ 0, from ≤ to ≤ 100 and steps an integer from 1 to 128',
    ],
    [{ sigmaW: [1, 2, 128], sigmaB: [0, 1, 64] }, 'phase = "128 × 64 points": at most 4096 grid points in all'],
    [
      { sigmaW: [1, 2, 4], sigmaB: [0, 1, 4], sigmaX: 1 },
      'phase.sigmaX = 1: not a field of {"sigmaW": [from, to, steps], "sigmaB": [from, to, steps]}',
    ],
  ])('refuses %j with a sentence', (phase, sentence) => {
    const r = parseConfig({ phase });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map(formatError)).toContain(sentence);
  });

  it('a phase run needs its grid, a pairs input and two layers, and takes no other run option', () => {
    const plain = phaseConfig({});
    expect(phaseProblems(plain)).toEqual([]);
    const lacking = phaseProblems({ ...plain, phase: undefined, depth: 1, input: { values: [1] } }).map((e) => e.field);
    expect(lacking).toEqual(['phase', 'input', 'depth']);
    expect(() => resolveRunOptions({ ...plain, depth: 1 }, { phase: true })).toThrow(/depth = 1: at least 2/);
    expect(() => resolveRunOptions(plain, { phase: true, backward: true })).toThrow(
      /no other run option \(got backward\)/,
    );
  });
});

describe('the phase diagram on the CPU engine', () => {
  it('each point is series 0 of its own config: q_L and c_L equal that run’s, and χ₁ the last layer’s Jacobian', async () => {
    const config = phaseConfig({ bias: 0, phase: { sigmaW: [0.7, 2.1, 2], sigmaB: [0.3, 0.3, 1] } });
    const result = await engine.run(config, { phase: true });
    expect(result.series).toEqual([]);
    const phi = bindActivation('tanh', config);
    for (const [i, { sigmaW, sigmaB }] of phasePoints(config).entries()) {
      const single = pointConfig(config, sigmaW, sigmaB);
      const run = await engine.run(single, { captureRows: [0, 1, 2, 3, 4, 5] });
      const last = run.series[0].layers[3];
      const measured = result.phase![i];
      // The same draws, scaled before or after the sum: the two orders round differently at ~1e-16.
      expect(measured.qLast! / last.pre.meanSq - 1).toBeLessThan(1e-12);
      expect(Math.abs(measured.correlation! - last.correlation!.mean)).toBeLessThan(1e-12);
      // χ₁ from its definition: Z_3 of every row, and W_4 as the point's config draws it.
      const z = run.capture!.preActivations[0][2];
      const w = sampleWeights(
        weightDistribution(single.sweep[0], 24, 24),
        { seed: 1, series: 0, trial: 0, layer: 4 },
        24,
        24,
      );
      let frobenius = 0;
      for (let r = 0; r < 6; r++)
        for (let i2 = 0; i2 < 24; i2++) {
          const slope = phi.df(z[r * 24 + i2]) ** 2;
          for (let j = 0; j < 24; j++) frobenius += (slope * w[i2 * 24 + j] ** 2) / 6;
        }
      expect(Math.abs(measured.chi1! / (frobenius / 24) - 1)).toBeLessThan(1e-12);
    }
  });

  it('tanh at width 512, σ_b = 0.1: q_L, χ₁ and c_L sit on the mean field at layer L within sampling error', async () => {
    const config = phaseConfig({
      width: 512,
      depth: 10,
      input: { distribution: 'pairs', batch: 8, width: 512, correlation: 0.5 },
      phase: { sigmaW: [0.8, 2.4, 3], sigmaB: [0.1, 0.1, 1] },
    });
    const seeds = 6;
    const runs = await Promise.all(
      Array.from({ length: seeds }, (_, k) => engine.run({ ...config, seed: 70 + k }, { phase: true })),
    );
    const tanh = bindActivation('tanh', config);
    for (const [p, { sigmaW, sigmaB }] of phasePoints(config).entries()) {
      const point = { phi: tanh, sigmaW, sigmaB };
      const { q, c } = pairPropagation(point, { same: 1, cross: 0.5 }, 10);
      // χ₁ at the layer it is measured on: the Jacobian of layer 10 reads φ′ at Z_9, of second moment q_9.
      const expected = { qLast: q[9], chi1: chi1(point, q[8]), correlation: c[9] };
      for (const figure of ['qLast', 'chi1', 'correlation'] as const) {
        const values = runs.map((r) => r.phase![p][figure]!);
        const mean = values.reduce((a, b) => a + b, 0) / seeds;
        const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (seeds - 1));
        // Six networks' spread gives the standard error; a floor of 0.5 % of the value stands for the mean field's
        // own finite-width error, O(1/n) at n = 512.
        const allowed = Math.max((4 * sd) / Math.sqrt(seeds), 0.005 * Math.abs(expected[figure]));
        expect(Math.abs(mean - expected[figure]), `σ_w = ${sigmaW}, ${figure}`).toBeLessThan(allowed);
      }
      // The JSON's theory is where this heads with depth: q* and χ₁ there.
      const deep = pairPropagation(point, { same: 1, cross: 0.5 }, 60).q[59];
      const qStar = lengthFixedPoint(point, sigmaW ** 2 + sigmaB ** 2);
      expect(Math.abs(deep / qStar - 1)).toBeLessThan(1e-9);
    }
  });

  it('writes {"config", "engine", "grid"} with {measured, theory} for q*, χ₁ and the correlation at every point', async () => {
    const config = phaseConfig({ activation: 'relu' });
    const json = phaseResultJson(await engine.run(config, { phase: true })) as {
      engine: string;
      grid: PhasePoint[];
    };
    expect(json.engine).toBe('cpu');
    expect(json.grid).toHaveLength(6);
    for (const point of json.grid)
      for (const figure of ['qStar', 'chi1', 'correlation'] as const)
        expect(Object.keys(point[figure])).toEqual(['measured', 'theory']);
    // ReLU: χ₁ = σ_w²/2 whatever σ_b, and q has no fixed point beyond σ_w = √2 (null).
    expect(json.grid[2].chi1.theory).toBeCloseTo(2.5 ** 2 / 2, 12);
    expect(json.grid[5].qStar.theory).toBeNull();
  });
});

describe('the order–chaos boundary', () => {
  it('ReLU’s is σ_w = √2 at every σ_b, He initialization at σ_b = 0; tanh’s starts at σ_w = 1 for σ_b = 0', () => {
    const relu = bindActivation('relu', { slope: 0 });
    // The bisection stops within 2^-26 of its bracket [0.5, 4]: 5e-8.
    for (const sigmaB of [0, 0.3, 1]) expect(criticalSigmaW(relu, sigmaB, 0.5, 4)).toBeCloseTo(Math.SQRT2, 7);
    const tanh = bindActivation('tanh', { slope: 0 });
    expect(criticalSigmaW(tanh, 0, 0.5, 4)).toBeCloseTo(1, 6);
    // A bias shifts it to larger σ_w: the signal must be amplified more before small differences grow.
    expect(criticalSigmaW(tanh, 0.3, 0.5, 4)!).toBeGreaterThan(1.2);
    expect(criticalSigmaW(tanh, 0.3, 2, 4)).toBeNull();
  });

  it('the measured one interpolates where a row’s χ₁ first reaches 1', () => {
    const point = (sigmaW: number, chi: number | null): PhasePoint => ({
      sigmaW,
      sigmaB: 0.2,
      qStar: { measured: 1, theory: 1 },
      chi1: { measured: chi, theory: null },
      correlation: { measured: 1, theory: 1 },
    });
    const grid = [point(1, 0.5), point(2, 0.9), point(3, 1.3), point(1, 0.2), point(2, null), point(3, 0.8)];
    expect(measuredBoundary(grid, 3)).toEqual([{ sigmaB: 0.2, sigmaW: 2.25 }, null]);
  });
});

describe('the phase grid in the page’s URL', () => {
  it('travels as sigmaW:from,to,steps;sigmaB:from,to,steps and reads back to the same config', () => {
    const config = phaseConfig({});
    const url = writeUrl(config, 'gpu');
    expect(url).toContain('phase=sigmaW:0.5,2.5,3;sigmaB:0,0.4,2');
    expect(readUrl(url)).toEqual({ config, engine: 'gpu', problems: [] });
    expect(readUrl('?phase=sigmaW:0,1,3;sigmaB:0,1,2').problems[0]).toContain('phase.sigmaW = [0,1,3]');
  });
});
