import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { bindActivation } from '../../src/lab/activations';
import { defaultConfig, type ExperimentConfig } from '../../src/lab/config';
import { resolveRunOptions } from '../../src/lab/engine';
import type { InitSpec } from '../../src/lab/initializers';
import { singularValues } from '../../src/lab/svd';

const engine = new CpuEngine();

function network(
  width: number,
  depth: number,
  spec: InitSpec,
  extra: Partial<ExperimentConfig> = {},
): ExperimentConfig {
  return {
    ...defaultConfig(),
    activation: 'linear',
    width,
    depth,
    input: { distribution: 'normal', batch: 2, width },
    sweep: [spec],
    ...extra,
  };
}

/** Each trial's singular values, from a series' pooled list. */
const byTrial = (values: number[], perTrial: number) =>
  Array.from({ length: values.length / perTrial }, (_, t) => values.slice(t * perTrial, (t + 1) * perTrial));

describe('the Jacobian on the CPU engine (float64)', () => {
  it('orthogonal linear networks: every singular value is gain^depth to float64 precision', async () => {
    for (const [gain, depth] of [
      [1, 12],
      [1.1, 7],
    ]) {
      const result = await engine.run(network(32, depth, { kind: 'orthogonal', gain }), { jacobian: true });
      const { singularValues: s, row } = result.series[0].jacobian!;
      expect(row).toBe(0);
      expect(s).toHaveLength(32);
      // Each of the depth products of orthogonal matrices rounds at ~1e-16 relative: 1e-13 leaves room for 12 of them.
      for (const value of s) expect(Math.abs(value / gain ** depth - 1)).toBeLessThan(1e-13);
    }
  });

  it('Gaussian linear networks, variance 1/n: the mean of s² is 1 within sampling error, the spread grows with depth', async () => {
    const width = 48;
    const trials = 24;
    const spreads: number[] = [];
    for (const depth of [1, 4, 16]) {
      const result = await engine.run(network(width, depth, { kind: 'lecun-normal' }, { trials }), { jacobian: true });
      const spectrum = result.series[0].jacobian!;
      // Each trial's mean s² is ‖J‖²_F/n, of expectation exactly 1; their spread over 24 networks gives the error.
      const perTrial = byTrial(spectrum.singularValues, width).map((v) => v.reduce((a, s) => a + s * s, 0) / width);
      const mean = perTrial.reduce((a, b) => a + b, 0) / trials;
      const sd = Math.sqrt(perTrial.reduce((a, b) => a + (b - mean) ** 2, 0) / (trials - 1));
      expect(Math.abs(mean - 1), `depth ${depth}`).toBeLessThan((4 * sd) / Math.sqrt(trials));
      expect(spectrum.meanSquare).toBeCloseTo(mean, 12);
      spreads.push(spectrum.p95 / spectrum.p5);
    }
    expect(spreads[1]).toBeGreaterThan(2 * spreads[0]);
    expect(spreads[2]).toBeGreaterThan(10 * spreads[1]);
  });

  it('is the derivative: its singular values are those of central differences of H_L (tanh with a bias)', async () => {
    const x = [0.3, -1.2, 0.8, 0.5, -0.1];
    const base: ExperimentConfig = {
      ...defaultConfig(),
      activation: 'tanh',
      bias: { kind: 'normal', sigma: 0.3 },
      width: 6,
      depth: 3,
      input: { values: x },
      sweep: [{ kind: 'he-normal', gain: 1.3 }],
    };
    const { jacobian } = (await engine.run(base, { jacobian: true })).series[0];
    const tanh = bindActivation('tanh', base);
    const output = async (values: number[]) => {
      const run = await engine.run({ ...base, input: { values } }, { captureRows: [0] });
      return Array.from(run.capture!.preActivations[0][2], tanh.f);
    };
    const h = 1e-5;
    const rows: number[][] = [];
    for (let k = 0; k < x.length; k++) {
      const [up, down] = await Promise.all([
        output(x.map((v, i) => (i === k ? v + h : v))),
        output(x.map((v, i) => (i === k ? v - h : v))),
      ]);
      rows.push(up.map((u, j) => (u - down[j]) / (2 * h)));
    }
    const finite = singularValues(Float64Array.from(rows.flat()), 5, 6);
    // Central differences err by h²·f‴/6 ≈ 1e-10, and cancel ~1e-11 of rounding: 1e-8 is generous to both.
    finite.forEach((s, i) => {
      expect(Math.abs(s - jacobian!.singularValues[i])).toBeLessThan(1e-8);
    });
  });

  it('ReLU at criticality is not isometric: under He a tenth of the singular values fall below 0.1 at depth 8', async () => {
    const result = await engine.run(network(64, 8, { kind: 'he-normal' }, { activation: 'relu', trials: 4 }), {
      jacobian: true,
    });
    const spectrum = result.series[0].jacobian!;
    expect(spectrum.p5).toBeLessThan(0.1);
  });

  it('is refused above the width limit, with the limit in the sentence', () => {
    const wide = network(2048, 2, { kind: 'he-normal' });
    expect(() => resolveRunOptions(wide, { jacobian: true })).toThrow(/at most 1024, got 2048/);
  });
});
