import { describe, expect, it } from 'vitest';
import { configJson, defaultConfig, parseConfig } from '../../src/lab/config';
import { inputSecondMoment } from '../../src/lab/sampling';
import {
  correlationConfig,
  criticalTanhSigmaW,
  ISOMETRY_NETWORKS,
  isometryConfig,
  PAGE_PHASE,
  phaseConfig,
} from '../../src/ui/signalConfigs';

describe('the experiments of the sections on order, chaos and isometry are what their prose says', () => {
  const seed = { ...defaultConfig(), seed: 7 };

  it('pairs of correlation 0.6 through tanh, σ_b = 0.1, at σ_w 0.8, the edge and 2.5, 16 layers of 64', () => {
    const c = correlationConfig(seed);
    expect(parseConfig(configJson(c))).toEqual({ ok: true, config: c });
    expect([c.activation, c.bias, c.depth, c.width, c.seed]).toEqual([
      'tanh',
      { kind: 'normal', sigma: 0.1 },
      16,
      64,
      7,
    ]);
    expect(c.input).toEqual({ distribution: 'pairs', batch: 16, width: 64, correlation: 0.6 });
    expect(c.sweep.map((s) => s.gain)).toEqual([0.8, criticalTanhSigmaW(), 2.5]);
    expect(criticalTanhSigmaW()).toBeCloseTo(1.193, 3);
  });

  it('phase maps of 10 layers of 32 units fed two pairs, over the page grid unless the config has its own', () => {
    const c = phaseConfig(seed, 'relu');
    expect(parseConfig(configJson(c))).toEqual({ ok: true, config: c });
    expect([c.activation, c.depth, c.width, c.trials, c.phase]).toEqual(['relu', 10, 32, 1, PAGE_PHASE]);
    expect(c.input).toEqual({ distribution: 'pairs', batch: 4, width: 32, correlation: 0.6 });
    const own = { sigmaW: [1, 2, 3], sigmaB: [0, 1, 2] } as const;
    expect(phaseConfig({ ...seed, phase: { sigmaW: [...own.sigmaW], sigmaB: [...own.sigmaB] } }, 'tanh').phase).toEqual(
      own,
    );
  });

  it('Jacobians of 16 layers of 32 at each critical gain, σ_b = 0, Gaussian and orthogonal, at one input of q₀ ≈ 0.01', () => {
    expect(ISOMETRY_NETWORKS.map((n) => [n.activation, n.gain])).toEqual([
      ['linear', 1],
      ['relu', Math.SQRT2],
      ['tanh', 1],
    ]);
    const c = isometryConfig(seed, 'tanh', 1);
    expect(parseConfig(configJson(c))).toEqual({ ok: true, config: c });
    expect([c.depth, c.width, c.bias, c.trials]).toEqual([16, 32, 0, 2]);
    expect(c.sweep).toEqual([
      { kind: 'he-normal', gain: 1 },
      { kind: 'orthogonal', gain: 1 },
    ]);
    // 32 draws of 0.01·z²: their mean has a relative standard error of √(2/32) = 25 %.
    const values = 'values' in c.input ? c.input.values : [];
    const q0 = values.reduce((s, x) => s + x * x, 0) / values.length;
    expect(Math.abs(q0 / (0.01 * inputSecondMoment.normal) - 1)).toBeLessThan(3 * Math.sqrt(2 / 32));
  });
});
