import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { bindActivation } from '../../src/lab/activations';
import { defaultConfig, type ExperimentConfig } from '../../src/lab/config';
import { activationMoments, theoryCurves } from '../../src/lab/theory';

const engine = new CpuEngine();

/**
 * ∫ f(z)ϕ(z) dz over [lo, hi] by Simpson's rule on 120 000 panels. The end points are moved 1e-12 inwards so that
 * a piece ending at a jump of φ' takes its one-sided limit there (the shift costs < 1e-12·|f|).
 */
function simpsonOn(f: (z: number) => number, lo: number, hi: number): number {
  const panels = 120_000,
    h = (hi - lo) / panels;
  let sum = 0;
  for (let i = 0; i <= panels; i++) {
    const z = i === 0 ? lo + 1e-12 : i === panels ? hi - 1e-12 : lo + i * h;
    sum += (i === 0 || i === panels ? 1 : i % 2 ? 4 : 2) * f(z) * Math.exp(-0.5 * z * z);
  }
  return (sum * h) / 3 / Math.sqrt(2 * Math.PI);
}

/** E_z[f(z)] over [−12, 12] split at `kink`, so that each piece is smooth: an independent check of the closed forms. */
const simpson = (f: (z: number) => number, kink = 0) => simpsonOn(f, -12, kink) + simpsonOn(f, kink, 12);

describe('ReLU theory, zero bias', () => {
  it('reproduces the seed experiment numbers for σ = 0.5: 13.75, 17.19, 21.48, … 65.57', () => {
    const [series] = theoryCurves({ ...defaultConfig(), sweep: [{ kind: 'normal', sigma: 0.5 }] });
    const expected = [13.75, 17.19, 21.48, 26.86, 33.57, 41.96, 52.45, 65.57];
    // NOTES.md rounds to two decimals.
    series.layers.forEach((l, i) => {
      expect(Math.abs(l.pre.meanSq - expected[i])).toBeLessThan(0.005 + 1e-12);
    });
    expect(series.exactSecondMoment).toBe(true);
  });

  it('has mean field E[H] = √(q/2π) and Var(H) = q(½ − 1/2π), and backward E[g_{l−1}²] = (n·v/2)·E[g_l²]', () => {
    const config = { ...defaultConfig(), sweep: [{ kind: 'normal' as const, sigma: 0.4 }] };
    const [series] = theoryCurves(config);
    for (const l of series.layers) {
      const q = l.pre.meanSq;
      // Float rounding in Φ(0), ϕ(0) and the sums: 1e-14 relative.
      expect(l.post.mean / Math.sqrt(q / (2 * Math.PI)) - 1).toBeCloseTo(0, 14);
      expect(l.post.var / (q * (0.5 - 1 / (2 * Math.PI))) - 1).toBeCloseTo(0, 13);
    }
    const v = 0.16,
      n = config.width;
    for (let l = 1; l < series.layers.length; l++) {
      expect(series.layers[l - 1].grad.meanSq / series.layers[l].grad.meanSq).toBeCloseTo((n * v) / 2, 13);
    }
    expect(series.layers[7].grad.meanSq).toBeCloseTo(0.5, 15);
  });

  it('matches the mean of E[Z_l²] over 4000 CPU trials (width 10, depth 8) within 4 standard errors, layer by layer', async () => {
    const config: ExperimentConfig = { ...defaultConfig(), trials: 200, sweep: [{ kind: 'normal', sigma: 0.45 }] };
    const [series] = theoryCurves(config);
    // 20 runs of 200 trials under different seeds: the spread of their means gives the standard error of the total.
    const runs = await Promise.all(Array.from({ length: 20 }, (_, k) => engine.run({ ...config, seed: 500 + k })));
    for (let l = 0; l < 8; l++) {
      for (const quantity of ['pre', 'post'] as const) {
        const means = runs.map((r) => r.series[0].layers[l][quantity].meanSq);
        const mean = means.reduce((s, x) => s + x, 0) / means.length;
        const standardError = Math.sqrt(
          means.reduce((s, x) => s + (x - mean) ** 2, 0) / (means.length - 1) / means.length,
        );
        const theory = series.layers[l][quantity].meanSq;
        // 4 standard errors: each of the 16 comparisons fails by chance with probability 6e-5.
        expect(
          Math.abs(mean - theory),
          `layer ${l + 1} ${quantity}: ${mean} vs ${theory} ± ${standardError}`,
        ).toBeLessThan(4 * standardError);
      }
    }
  });
});

describe('Gaussian moments of each activation', () => {
  it.each([
    ['relu', 0.3, 2],
    ['leaky-relu', -0.5, 0.7],
    ['linear', 0.2, 3],
  ] as const)('%s: the closed forms at bias %d, variance %d agree with a Simpson integral', (name, mean, variance) => {
    const phi = bindActivation(name, { slope: 0.1 });
    const m = activationMoments(phi, mean, variance);
    const sd = Math.sqrt(variance),
      kink = -mean / sd;
    // Smooth pieces on both sides of the kink: Simpson's error is O(h⁴) ≈ 1e-16 with h = 1e-4; the closed forms are
    // exact to rounding. 1e-12 covers the rounding of 120 000 terms.
    expect(Math.abs(m.mean - simpson((z) => phi.f(mean + sd * z), kink))).toBeLessThan(1e-12);
    expect(Math.abs(m.meanSq - simpson((z) => phi.f(mean + sd * z) ** 2, kink))).toBeLessThan(1e-12);
    expect(Math.abs(m.derivativeMeanSq - simpson((z) => phi.df(mean + sd * z) ** 2, kink))).toBeLessThan(1e-12);
  });

  it.each([
    ['tanh', 0.1, 1.5],
    ['sigmoid', -0.4, 2],
    ['gelu', 0.2, 1],
  ] as const)('%s: Gauss–Hermite at bias %d, variance %d agrees with a Simpson integral', (name, mean, variance) => {
    const phi = bindActivation(name, { slope: 0.01 });
    const m = activationMoments(phi, mean, variance);
    const sd = Math.sqrt(variance);
    // Smooth integrands: Simpson is accurate to 1e-12. 80-point Gauss–Hermite converges at a rate set by φ's complex
    // singularities (tanh's poles at distance π/(2σ) from the real axis): measured 8e-8 for tanh at σ² = 1.5.
    expect(Math.abs(m.mean - simpson((z) => phi.f(mean + sd * z)))).toBeLessThan(1e-6);
    expect(Math.abs(m.meanSq - simpson((z) => phi.f(mean + sd * z) ** 2))).toBeLessThan(1e-6);
    expect(Math.abs(m.derivativeMeanSq - simpson((z) => phi.df(mean + sd * z) ** 2))).toBeLessThan(1e-6);
  });
});

describe('mean-field length map for smooth activations', () => {
  it.each(['tanh', 'gelu'] as const)(
    '%s, bias 0.1, width 256: E[Z_l²] over 16 networks follows the quadrature map within 4 standard errors',
    async (activation) => {
      const config: ExperimentConfig = {
        ...defaultConfig(),
        activation,
        width: 256,
        depth: 5,
        bias: 0.1,
        input: { distribution: 'normal', batch: 8, width: 256 },
        sweep: [{ kind: 'xavier-normal', gain: 1.5 }],
      };
      const [series] = theoryCurves(config);
      // 16 networks under different seeds; the spread of their E[Z_l²] gives the standard error of the mean (1–4 %).
      // The mean field's own finite-width bias is O(1/n) ≈ 0.4 %, well inside it.
      const runs = await Promise.all(Array.from({ length: 16 }, (_, k) => engine.run({ ...config, seed: 100 + k })));
      for (let l = 0; l < config.depth; l++) {
        const values = runs.map((r) => r.series[0].layers[l].pre.meanSq);
        const mean = values.reduce((s, x) => s + x, 0) / values.length;
        const standardError = Math.sqrt(
          values.reduce((s, x) => s + (x - mean) ** 2, 0) / (values.length - 1) / values.length,
        );
        const theory = series.layers[l].pre.meanSq;
        expect(Math.abs(mean - theory), `layer ${l + 1}: ${mean} vs ${theory} ± ${standardError}`).toBeLessThan(
          4 * standardError,
        );
      }
    },
  );
});

describe('Xavier on tanh, as the Xavier section says', () => {
  const depth = 1000;
  const tanhXavier = (gain: number) =>
    theoryCurves({
      ...defaultConfig(),
      activation: 'tanh',
      depth,
      width: 100,
      sweep: [{ kind: 'xavier-normal', gain }],
    })[0].layers;

  it('with gain 1, E[Z_l²] decays slowly, like 1/(2l): 2l·E[Z_l²] → 1', () => {
    const q = tanhXavier(1).map((l) => l.pre.meanSq);
    // q ↦ E[tanh²(√q·z)] = q − 2q² + O(q³) gives q_l = 1/(2l) + O(log l / l²): at l = 1000 the correction is < 1 %.
    expect(Math.abs(2 * depth * q[depth - 1] - 1)).toBeLessThan(0.01);
    expect(q[depth - 1]).toBeLessThan(q[depth - 2]);
  });

  it("with gain 5/3, E[Z_l²] settles at the length map's fixed point q* = (25/9)·E[tanh²(√q*·z)] ≈ 1.178", () => {
    const q = tanhXavier(5 / 3).map((l) => l.pre.meanSq);
    const tanh = bindActivation('tanh', defaultConfig());
    const last = q[depth - 1];
    // A fixed point to float64 rounding after 1000 contracting steps (the map's slope at q* is below 1).
    expect(Math.abs((25 / 9) * activationMoments(tanh, 0, last).meanSq - last)).toBeLessThan(1e-12);
    // 1.1784804904: the same fixed point by 120-point Gauss–Hermite in numpy; 80 and 120 points differ by ~5e-9.
    expect(last).toBeCloseTo(1.1784804904, 7);
  });
});

describe('series without a random-weight theory', () => {
  it('constant weights give no curve and say why; zeros give the exact constant b', () => {
    const config = {
      ...defaultConfig(),
      bias: 0.5,
      sweep: [{ kind: 'constant' as const, value: 0.1 }, { kind: 'zeros' as const }],
    };
    const [constant, zeros] = theoryCurves(config);
    expect(constant.layers).toEqual([]);
    expect(constant.unavailable).toMatch(/constant weights/);
    for (const l of zeros.layers) expect(l.pre).toEqual({ mean: 0.5, var: 0, meanSq: 0.25 });
  });
});
