import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/lab/config';
import { forwardWork } from '../../src/lab/work';
import {
  BACKWARD_DRAWS,
  BACKWARD_SWEEP,
  CLAIM_DRAWS,
  CLAIM_MIN_WIDTH,
  claimConfig,
  ENSEMBLE_DRAWS,
  ensembleConfig,
  HE_SWEEP,
  xavierSweep,
} from '../../src/ui/sectionConfigs';

describe("the sections' experiments, derived from the reader's", () => {
  it('draw 500 networks of the first experiment, and 32 (8 backward) networks 100 wide for Xavier and He', () => {
    const seed = defaultConfig();
    expect(ensembleConfig(seed)).toEqual({ ...seed, trials: 500 });
    const he = claimConfig(seed, HE_SWEEP, CLAIM_DRAWS);
    expect([he.width, he.trials, he.depth, he.input]).toEqual([CLAIM_MIN_WIDTH, 32, 8, seed.input]);
    const backward = claimConfig(seed, BACKWARD_SWEEP, BACKWARD_DRAWS);
    expect([backward.width, backward.trials]).toEqual([CLAIM_MIN_WIDTH, 8]);
  });

  it("keep the reader's wider layers and larger trials, and draw fewer networks, never below the least, as work grows", () => {
    const seed = defaultConfig();
    expect(claimConfig({ ...seed, width: 300 }, HE_SWEEP, CLAIM_DRAWS).width).toBe(300);
    expect(claimConfig({ ...seed, trials: 50 }, HE_SWEEP, CLAIM_DRAWS).trials).toBe(50);
    const wide = claimConfig({ ...seed, width: 1000 }, HE_SWEEP, CLAIM_DRAWS);
    expect(wide.trials).toBe(CLAIM_DRAWS.least);
    const middle = claimConfig({ ...seed, width: 150 }, HE_SWEEP, CLAIM_DRAWS);
    expect(forwardWork(middle)).toBeLessThanOrEqual(CLAIM_DRAWS.work);
    expect(forwardWork({ ...middle, trials: middle.trials + 1 })).toBeGreaterThan(CLAIM_DRAWS.work);
    expect(ensembleConfig({ ...seed, width: 100 }).trials).toBe(ENSEMBLE_DRAWS.least);
  });

  it("pair Xavier's gain 1 with the activation's gain, or with the uniform form where that gain is 1", () => {
    expect(xavierSweep(defaultConfig())).toEqual([
      { kind: 'xavier-normal' },
      { kind: 'xavier-normal', gain: Math.SQRT2 },
    ]);
    expect(xavierSweep({ ...defaultConfig(), activation: 'tanh' })[1]).toEqual({ kind: 'xavier-normal', gain: 5 / 3 });
    expect(xavierSweep({ ...defaultConfig(), activation: 'sigmoid' })).toEqual([
      { kind: 'xavier-normal' },
      { kind: 'xavier-uniform' },
    ]);
  });
});
