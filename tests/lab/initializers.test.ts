import { describe, expect, it } from 'vitest';
import { distributionVariance, type InitSpec, weightDistribution } from '../../src/lab/initializers';
import { sampleWeights } from '../../src/lab/sampling';

const FAN_IN = 300,
  FAN_OUT = 100;
const address = { seed: 11, series: 0, trial: 0, layer: 1 };

/** torch.nn.init variances for a [fan_out × fan_in] weight (NOTES.md). */
const expected: [InitSpec, number][] = [
  [{ kind: 'normal', sigma: 0.3 }, 0.09],
  [{ kind: 'uniform', a: 0.3 }, 0.03],
  [{ kind: 'xavier-normal' }, 2 / (FAN_IN + FAN_OUT)],
  [{ kind: 'xavier-uniform' }, 2 / (FAN_IN + FAN_OUT)],
  [{ kind: 'xavier-normal', gain: 5 / 3 }, (25 / 9) * (2 / (FAN_IN + FAN_OUT))],
  [{ kind: 'he-normal' }, 2 / FAN_IN],
  [{ kind: 'he-uniform' }, 2 / FAN_IN],
  [{ kind: 'he-normal', mode: 'fan_out' }, 2 / FAN_OUT],
  [{ kind: 'he-uniform', mode: 'fan_out', gain: 1 }, 1 / FAN_OUT],
];

describe('initializers sample the variance torch.nn.init prescribes', () => {
  it.each(expected)('%j at fans (300, 100)', (spec, variance) => {
    const dist = weightDistribution(spec, FAN_IN, FAN_OUT);
    expect(distributionVariance(dist)).toBeCloseTo(variance, 12);
    const w = sampleWeights(dist, address, FAN_IN, FAN_OUT);
    const n = w.length;
    const mean = w.reduce((s, x) => s + x, 0) / n;
    const sampleVariance = w.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    // Relative standard error of a sample variance: √(2/n) for a normal, √(0.8/n) for a uniform; allow 5 of them.
    const relativeError = dist.shape === 'normal' ? Math.sqrt(2 / n) : Math.sqrt(0.8 / n);
    expect(Math.abs(sampleVariance / variance - 1)).toBeLessThan(5 * relativeError);
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(variance / n));
    const largest = Math.max(...w.map(Math.abs));
    if (dist.shape === 'uniform') expect(largest).toBeLessThanOrEqual(dist.scale);
    // A normal sample of 30 000 exceeds 5.5σ with probability ≈ 1e-3.
    else expect(largest).toBeLessThan(5.5 * dist.scale);
  });

  it('uniform initializers reach close to their bound ±√3·std', () => {
    const dist = weightDistribution({ kind: 'xavier-uniform' }, FAN_IN, FAN_OUT);
    expect(dist.scale).toBeCloseTo(Math.sqrt(6 / (FAN_IN + FAN_OUT)), 14);
    const largest = Math.max(...sampleWeights(dist, address, FAN_IN, FAN_OUT).map(Math.abs));
    expect(largest).toBeGreaterThan(0.999 * dist.scale);
  });

  it('zeros and constant fill every weight with one value', () => {
    expect(new Set(sampleWeights(weightDistribution({ kind: 'zeros' }, 4, 3), address, 4, 3))).toEqual(new Set([0]));
    expect(new Set(sampleWeights(weightDistribution({ kind: 'constant', value: 0.25 }, 4, 3), address, 4, 3))).toEqual(
      new Set([0.25]),
    );
  });
});
