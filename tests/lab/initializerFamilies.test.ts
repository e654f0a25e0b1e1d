import { describe, expect, it } from 'vitest';
import { normalCdf, normalPdf } from '../../src/lab/gaussian';
import {
  distributionVariance,
  type InitSpec,
  initializers,
  initKinds,
  initLabel,
  TRUNCATED_STD,
  weightDistribution,
} from '../../src/lab/initializers';
import {
  MAX_TRUNCATION_ATTEMPTS,
  sampleWeights,
  TRUNCATION_BOUND,
  truncatedStandardNormal,
  unitWeight,
} from '../../src/lab/sampling';

const FAN_IN = 400,
  FAN_OUT = 150;
const address = { seed: 29, series: 1, trial: 2, layer: 3 };

function sampleMoments(w: Float64Array) {
  const mean = w.reduce((s, x) => s + x, 0) / w.length;
  return { mean, variance: w.reduce((s, x) => s + (x - mean) ** 2, 0) / w.length };
}

/** Keras VarianceScaling / torch.nn.init variances for fans (400, 150) (NOTES.md). */
const expected: [InitSpec, number][] = [
  [{ kind: 'lecun-normal' }, 1 / FAN_IN],
  [{ kind: 'lecun-uniform' }, 1 / FAN_IN],
  [{ kind: 'torch-linear-default' }, 1 / (3 * FAN_IN)],
  [{ kind: 'glorot-trunc-normal' }, 2 / (FAN_IN + FAN_OUT)],
  [{ kind: 'he-trunc-normal' }, 2 / FAN_IN],
  [{ kind: 'he-trunc-normal', mode: 'fan_out', gain: 1 }, 1 / FAN_OUT],
  [{ kind: 'lecun-trunc-normal' }, 1 / FAN_IN],
  [{ kind: 'orthogonal' }, 1 / FAN_IN],
];

describe('LeCun, Keras truncated-normal, nn.Linear default and orthogonal variances', () => {
  it.each(expected)(
    '%j has the prescribed variance, and its 60 000 samples meet it within 5 standard errors',
    (spec, variance) => {
      const dist = weightDistribution(spec, FAN_IN, FAN_OUT);
      // Float rounding only.
      expect(Math.abs(distributionVariance(dist) / variance - 1)).toBeLessThan(1e-14);
      const { mean, variance: sampleVariance } = sampleMoments(sampleWeights(dist, address, FAN_IN, FAN_OUT));
      const n = FAN_IN * FAN_OUT;
      // Relative standard error of a sample variance is √((κ − 1)/n), κ the kurtosis: 3 for a normal, below it for a
      // truncated normal (2.4) or a uniform (1.8); an orthogonal matrix's elements are nearly normal. √(2/n) bounds all.
      expect(Math.abs(sampleVariance / variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
      expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(variance / n));
    },
  );

  it('nn.Linear default is U(±1/√n_in): every draw inside the bound, the extremes close to it', () => {
    const dist = weightDistribution({ kind: 'torch-linear-default' }, FAN_IN, FAN_OUT);
    expect(dist).toEqual({ shape: 'uniform', scale: 1 / Math.sqrt(FAN_IN) });
    const largest = Math.max(...sampleWeights(dist, address, FAN_IN, FAN_OUT).map(Math.abs));
    expect(largest).toBeLessThanOrEqual(dist.scale);
    // 60 000 uniform draws all below 0.999·a has probability 0.999^60000 ≈ 1e-26.
    expect(largest).toBeGreaterThan(0.999 * dist.scale);
  });
});

describe('truncated normal', () => {
  it("Keras' 0.87962566103423978 is the std of N(0, 1) truncated to ±2, √(1 − 4ϕ(2)/(2Φ(2) − 1))", () => {
    const truncatedVariance = 1 - (4 * normalPdf(2)) / (2 * normalCdf(2) - 1);
    // Float rounding of erf and the quotient: 1e-15.
    expect(Math.abs(Math.sqrt(truncatedVariance) - TRUNCATED_STD)).toBeLessThan(1e-15);
  });

  it('no draw lies beyond ±2·stddev, and some come within 0.1 % of it', () => {
    const dist = weightDistribution({ kind: 'he-trunc-normal' }, FAN_IN, FAN_OUT);
    const w = sampleWeights(dist, address, FAN_IN, FAN_OUT);
    const largest = Math.max(...w.map(Math.abs));
    expect(largest).toBeLessThanOrEqual(TRUNCATION_BOUND * dist.scale);
    // P(|z| ∈ [1.998, 2]) ≈ 2·0.002·ϕ(2)/0.954 ≈ 2.3e-4, so 60 000 draws miss it with probability e^−14.
    expect(largest).toBeGreaterThan(0.999 * TRUNCATION_BOUND * dist.scale);
  });

  it('attempt 0 is the normal draw at the same address; rejected elements take a later attempt', () => {
    let rejected = 0;
    for (let e = 0; e < 5000; e++) {
      const normal = unitWeight('normal', address, e);
      const truncated = truncatedStandardNormal(address, e);
      if (Math.abs(normal) <= TRUNCATION_BOUND) expect(truncated).toBe(normal);
      else {
        rejected++;
        expect(Math.abs(truncated)).toBeLessThanOrEqual(TRUNCATION_BOUND);
      }
    }
    // Rejection probability 0.0455: 5000 draws give 228 ± 15; 5 standard deviations either side.
    expect(rejected).toBeGreaterThan(228 - 75);
    expect(rejected).toBeLessThan(228 + 75);
    expect(MAX_TRUNCATION_ATTEMPTS).toBeLessThan(65536);
  });
});

describe('initializer table', () => {
  it('every kind has a title and a one-line summary, and a label', () => {
    for (const kind of initKinds) {
      const init = initializers[kind];
      expect(init.title.length).toBeGreaterThan(0);
      expect(init.summary).not.toContain('\n');
      expect(init.summary.length).toBeLessThan(120);
    }
    expect(initLabel({ kind: 'he-trunc-normal', mode: 'fan_out' })).toBe('He truncated normal (fan_out)');
    expect(initLabel({ kind: 'orthogonal', gain: 2 })).toBe('Orthogonal (gain 2)');
    expect(initLabel({ kind: 'torch-linear-default' })).toBe('PyTorch nn.Linear default');
  });
});
