import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { layerBiases, unitBias } from '../../src/lab/bias';
import { defaultConfig, type ExperimentConfig, formatError, parseConfig } from '../../src/lab/config';
import { theoryCurves } from '../../src/lab/theory';
import { readUrl, writeUrl } from '../../src/ui/urlState';

const engine = new CpuEngine();

describe('the bias initializer in the config', () => {
  it('takes a plain number, as before, and {"kind": "normal", "sigma": σ_b}', () => {
    const plain = parseConfig({ bias: 0.25 });
    expect(plain.ok && plain.config.bias).toBe(0.25);
    const random = parseConfig({ bias: { kind: 'normal', sigma: 0.05 } });
    expect(random.ok && random.config.bias).toEqual({ kind: 'normal', sigma: 0.05 });
    const zero = parseConfig({ bias: { kind: 'normal', sigma: 0 } });
    expect(zero.ok).toBe(true);
  });

  it.each([
    [{ kind: 'uniform', a: 1 }, 'bias.kind = "uniform": "normal", or give a plain number'],
    [{ kind: 'normal' }, 'bias.sigma = missing: a number from 0 to 1e6 (the standard deviation σ_b)'],
    [{ kind: 'normal', sigma: -1 }, 'bias.sigma = -1: a number from 0 to 1e6 (the standard deviation σ_b)'],
    [{ kind: 'normal', sigma: 1, mean: 2 }, 'bias.mean = 2: not a field of "normal" (its fields: sigma)'],
    [
      '0.1',
      'bias = "0.1": a number from -1000000 to 1000000, or a bias initializer such as {"kind": "normal", "sigma": 0.05}',
    ],
  ])('refuses %j with a sentence naming the field and what is allowed', (bias, sentence) => {
    const r = parseConfig({ bias });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map(formatError)).toContain(sentence);
  });

  it('travels through the URL in the words normal:sigma=0.05, and a plain number as itself', () => {
    for (const bias of [{ kind: 'normal' as const, sigma: 0.05 }, -0.3]) {
      const config: ExperimentConfig = { ...defaultConfig(), bias };
      expect(writeUrl(config, 'cpu')).toContain(`bias=${typeof bias === 'number' ? bias : 'normal:sigma=0.05'}`);
      expect(readUrl(writeUrl(config, 'cpu'))).toEqual({ config, engine: 'cpu', problems: [] });
    }
  });
});

describe('random biases on the CPU engine', () => {
  const zeroWeights = (bias: ExperimentConfig['bias'], trials = 1): ExperimentConfig => ({
    ...defaultConfig(),
    width: 4096,
    depth: 2,
    trials,
    bias,
    input: { distribution: 'normal', batch: 3, width: 4 },
    sweep: [{ kind: 'zeros' }],
  });

  it('with zero weights Z_l is the bias vector: every row the same, drawn per unit from the bias stream', async () => {
    const config = zeroWeights({ kind: 'normal', sigma: 0.5 });
    const result = await engine.run(config, { captureRows: [0, 2] });
    for (const layer of [1, 2]) {
      const expected = layerBiases(config.bias, config.seed, 0, layer, config.width);
      const captured = result.capture!.preActivations[0][layer - 1];
      expect(Array.from(captured.subarray(0, config.width))).toEqual(Array.from(expected));
      expect(Array.from(captured.subarray(config.width))).toEqual(Array.from(expected));
    }
    // The layers draw different biases.
    expect(layerBiases(config.bias, 1, 0, 1, 8)).not.toEqual(layerBiases(config.bias, 1, 0, 2, 8));
  });

  it('the biases have variance σ_b² across units, within 5 standard errors of 4096 draws', async () => {
    const result = await engine.run(zeroWeights({ kind: 'normal', sigma: 0.5 }));
    // The sample variance of n normals has relative standard error √(2/n) ≈ 2.2 % at n = 4096.
    const tolerance = 5 * Math.sqrt(2 / 4096);
    for (const layer of result.series[0].layers) expect(layer.pre.var / 0.25 - 1).toBeLessThan(tolerance);
  });

  it('every series of a run meets the same biases, and every trial new ones', () => {
    expect(unitBias(1, 0, 1, 5)).toBe(unitBias(1, 0, 1, 5));
    expect(unitBias(1, 1, 1, 5)).not.toBe(unitBias(1, 0, 1, 5));
    expect(unitBias(2, 0, 1, 5)).not.toBe(unitBias(1, 0, 1, 5));
  });

  it('a random bias of σ_b = 0 is the zero bias, number for number', async () => {
    const zero = await engine.run({ ...zeroWeights(0), width: 64 });
    const random = await engine.run({ ...zeroWeights({ kind: 'normal', sigma: 0 }), width: 64 });
    expect(random.series.map((s) => s.layers)).toEqual(zero.series.map((s) => s.layers));
  });

  it('tanh at width 256: E[Z_l²] over 16 networks follows q_l = σ_w²·E[φ(√q_{l−1}·z)²] + σ_b² within 4 standard errors', async () => {
    const config: ExperimentConfig = {
      ...defaultConfig(),
      activation: 'tanh',
      width: 256,
      depth: 5,
      bias: { kind: 'normal', sigma: 0.4 },
      input: { distribution: 'normal', batch: 8, width: 256 },
      sweep: [{ kind: 'he-normal', gain: 1.5 }],
    };
    const theory = theoryCurves(config)[0].layers;
    // A random bias adds its variance, not its square mean: the curve differs from the constant bias 0.4's.
    expect(theory[2].pre.mean).toBe(0);
    const runs = await Promise.all(Array.from({ length: 16 }, (_, k) => engine.run({ ...config, seed: 300 + k })));
    for (let l = 0; l < config.depth; l++) {
      const values = runs.map((r) => r.series[0].layers[l].pre.meanSq);
      const mean = values.reduce((s, x) => s + x, 0) / values.length;
      const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (values.length - 1));
      // The networks' spread (each draws its own biases) gives the standard error; the mean field's O(1/n) bias is
      // far inside it.
      expect(Math.abs(mean - theory[l].pre.meanSq), `layer ${l + 1}`).toBeLessThan((4 * sd) / Math.sqrt(16));
    }
  });
});
