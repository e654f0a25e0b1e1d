import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { defaultConfig, parseConfig } from '../../src/lab/config';
import { MAX_SERIES } from '../../src/lab/configFields';
import { defaultObject } from '../../src/lab/schema';
import { TRAIN_SCHEMA } from '../../src/lab/trainConfig';
import {
  SHOWCASE_TRAIN,
  TRAIN_MIN_WIDTH,
  trainedSymmetryConfig,
  trainingConfig,
  usesShowcase,
} from '../../src/ui/trainingConfig';
import type { PlayerView } from '../../src/ui/trainingPlayer';
import { outcomeRule, playerStatus } from '../../src/ui/trainingSentences';

describe("what the training section trains, from the reader's config", () => {
  it('the seed sweep at width 32 with He normal as a reference, on the showcase while train is the default', () => {
    const panel = defaultConfig();
    const config = trainingConfig(panel);
    expect(config.width).toBe(TRAIN_MIN_WIDTH);
    expect(config.sweep).toEqual([...panel.sweep, { kind: 'he-normal' }]);
    expect(config.train).toBe(SHOWCASE_TRAIN);
    expect(usesShowcase(panel.train)).toBe(true);
  });

  it("the reader's own training settings exactly, any width above 32 as it is, and no second He normal", () => {
    const parsed = parseConfig({ width: 64, sweep: [{ kind: 'he-normal' }], train: { batch: 16 } });
    if (!parsed.ok) throw new Error('a valid config');
    const config = trainingConfig(parsed.config);
    expect(config.width).toBe(64);
    expect(config.sweep).toEqual([{ kind: 'he-normal' }]);
    expect(config.train).toEqual({ ...defaultObject(TRAIN_SCHEMA), batch: 16 });
    expect(usesShowcase(parsed.config.train)).toBe(false);
  });

  it('no reference when it would pass the series limit', () => {
    const sweep = Array.from({ length: MAX_SERIES }, (_, i) => ({ kind: 'normal', sigma: 0.1 + i / 100 }));
    const parsed = parseConfig({ sweep });
    if (!parsed.ok) throw new Error('a valid config');
    expect(trainingConfig(parsed.config).sweep).toHaveLength(MAX_SERIES);
  });

  it('trained symmetry: a constant start beside He normal on 2 × 8, one evaluation after its steps', () => {
    const config = trainedSymmetryConfig(defaultConfig());
    expect([config.depth, config.width]).toEqual([2, 8]);
    expect(config.sweep.map((s) => s.kind)).toEqual(['constant', 'he-normal']);
    expect(config.train.evalEvery).toBe(config.train.steps);
  });
});

describe("the training section's sentences", () => {
  it('the outcome rule states the target and the stall fraction', () => {
    expect(outcomeRule(0.2)).toContain('reaches the target 0.200');
    expect(outcomeRule(0.2)).toContain('never fell below 90 % of its value at step 0');
  });

  it("the finished player's status gives the whole run's average rate, not the live one", () => {
    const snapshot = { step: 400, finished: true, series: [] };
    const view: PlayerView = {
      phase: 'finished',
      snapshot,
      reference: null,
      stepsPerSecond: 5.2,
      fraction: 1,
      leftMs: null,
      trainingMs: 40_000,
      error: null,
    };
    expect(playerStatus(view, 400, [new CpuEngine()])).toBe(
      'Done: step 400 of 400 in 40.0 s · 10.0 steps/s on average.',
    );
  });
});
