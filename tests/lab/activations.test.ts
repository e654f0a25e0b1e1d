import { describe, expect, it } from 'vitest';
import { activationNames, activations, bindActivation } from '../../src/lab/activations';
import { gaussianExpectation, normalPdf } from '../../src/lab/gaussian';

const params = { slope: 0.01 };

describe('activation gains', () => {
  it('equal torch.nn.init.calculate_gain for linear, relu, tanh, sigmoid and leaky_relu', () => {
    // calculate_gain('leaky_relu', s) returns math.sqrt(2.0 / (1 + s ** 2)): 1.4141428569978354 and 1.3867504905630728
    // for s = 0.01 and 0.2, evaluated in CPython.
    expect(activations.linear.gain(params)).toBe(1);
    expect(activations.sigmoid.gain(params)).toBe(1);
    expect(activations.tanh.gain(params)).toBe(5 / 3);
    expect(activations.relu.gain(params)).toBe(Math.SQRT2);
    // Float rounding: the formula √(2/(1+s²)) evaluated in a different order differs by an ulp or two.
    expect(activations['leaky-relu'].gain(params)).toBeCloseTo(1.4141428569978354, 15);
    expect(activations['leaky-relu'].gain({ slope: 0.2 })).toBeCloseTo(1.3867504905630728, 15);
  });

  it("GELU gets 1/√E[GELU(z)²] ≈ 1.53353, the rule that gives ReLU √2 and leaky ReLU PyTorch's gain", () => {
    // E[GELU(z)²] = 0.4252214825702988 by scipy.integrate.quad; 1e-12 covers quadrature and rounding.
    expect(Math.abs(activations.gelu.gain(params) - 1 / Math.sqrt(0.4252214825702988))).toBeLessThan(1e-12);
    // The same rule, in closed form for the piecewise-linear ones: E[relu(z)²] = 1/2, E[leaky(z)²] = (1 + s²)/2.
    expect(1 / Math.sqrt(0.5)).toBeCloseTo(activations.relu.gain(params), 14);
    expect(1 / Math.sqrt((1 + 0.01 ** 2) / 2)).toBeCloseTo(activations['leaky-relu'].gain(params), 14);
  });
});

describe("GELU's gain", () => {
  it('makes q = 1 a fixed point of the length map q ↦ gain²·E[GELU(√q·z)²], an unstable one (slope 1.144), as its note says', () => {
    const gain = activations.gelu.gain(params);
    const lengthMap = (q: number) =>
      gain ** 2 * gaussianExpectation((z) => activations.gelu.f(Math.sqrt(q) * z, params) ** 2);
    // 80-point Gauss–Hermite on a smooth integrand: 1e-12 covers quadrature and rounding.
    expect(Math.abs(lengthMap(1) - 1)).toBeLessThan(1e-12);
    // Central difference with step 1e-4: truncation error ~1e-8·|map‴|, far inside the 1e-6 allowed.
    const step = 1e-4;
    const slope = (lengthMap(1 + step) - lengthMap(1 - step)) / (2 * step);
    // 1.1440631968617776: the same derivative by 120-point Gauss–Hermite in numpy.
    expect(Math.abs(slope - 1.1440631968617776)).toBeLessThan(1e-6);
    expect(activations.gelu.summary).toContain(`slope ${slope.toFixed(2)}`);
  });
});

describe('activation table', () => {
  it('keeps the WGSL switch ids stable: linear 0, relu 1, tanh 2, sigmoid 3, leaky-relu 4, gelu 5', () => {
    expect(activationNames.map((n) => [n, activations[n].id])).toEqual([
      ['linear', 0],
      ['relu', 1],
      ['tanh', 2],
      ['sigmoid', 3],
      ['leaky-relu', 4],
      ['gelu', 5],
    ]);
  });

  it.each(activationNames)('%s: df is the derivative of f (central differences)', (name) => {
    const a = bindActivation(name, { slope: 0.1 });
    const h = 1e-6;
    for (const z of [-3.1, -0.7, -0.05, 0.05, 0.4, 2.9]) {
      // Central differences: truncation h²·|f'''|/6 < 1e-11, rounding 1e-16·|f|/h < 1e-9.
      expect(Math.abs((a.f(z + h) - a.f(z - h)) / (2 * h) - a.df(z))).toBeLessThan(1e-8);
    }
  });

  it.each(activationNames.filter((n) => activations[n].homogeneous))(
    '%s, marked homogeneous, has φ(c·z) = c·φ(z) for c > 0',
    (name) => {
      const a = bindActivation(name, { slope: 0.3 });
      for (const z of [-2.5, -0.3, 0.7, 4]) expect(a.f(3.5 * z)).toBeCloseTo(3.5 * a.f(z), 14);
    },
  );

  it('leaky ReLU reads its slope from the parameters, and GELU is z·Φ(z) with GELU(1) = 0.8413447460685429', () => {
    expect(bindActivation('leaky-relu', { slope: 0.2 }).f(-2)).toBeCloseTo(-0.4, 15);
    expect(bindActivation('leaky-relu', { slope: 0.2 }).df(-2)).toBe(0.2);
    // Φ(1) from scipy.stats.norm.cdf; float rounding only.
    expect(activations.gelu.f(1, params)).toBeCloseTo(0.8413447460685429, 14);
    // GELU'(z) = Φ(z) + z·ϕ(z): 1/2 at 0, and Φ(1) + ϕ(1) at 1.
    expect(activations.gelu.df(0, params)).toBe(0.5);
    expect(activations.gelu.df(1, params)).toBeCloseTo(0.8413447460685429 + normalPdf(1), 14);
  });
});
