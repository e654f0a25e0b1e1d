/**
 * The grid of "Which bad starts normalization rescues": three networks that differ in their architecture alone, each
 * training the three starts on the reader's seed with the same data, minibatches and optimizer, small enough for the
 * page's CPU engine; the plain networks with and without LayerNorm start from the very same weights.
 */
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { configJson, defaultConfig, parseConfig } from '../../src/lab/config';
import { trainWork } from '../../src/lab/trainWork';
import { RESCUE_NETWORKS, RESCUE_STARTS, RESCUE_TRAIN, rescueConfig } from '../../src/ui/rescueConfigs';

/** The budget for the page: width ≤ 64, at most 300 steps. */
const MAX_WIDTH = 64;
const MAX_STEPS = 300;
/** Training's multiply–adds at which the grid still trains in well under a minute on a 2-core CPU (~3e8 a second). */
const MAX_GRID_WORK = 1.5e10;

describe('the rescue grid', () => {
  const panel = { ...defaultConfig(), seed: 7, width: 10, activation: 'tanh' as const };
  const configs = RESCUE_NETWORKS.map((network) => rescueConfig(panel, network));

  it('plain first, then LayerNorm and residual α = 1/√L with LayerNorm, each a valid config of the three starts', () => {
    expect(configs.map((c) => [c.architecture.kind, c.architecture.norm, c.architecture.branchScale])).toEqual([
      ['plain', 'none', 1],
      ['plain', 'layer', 1],
      ['residual', 'layer', '1/sqrt(depth)'],
    ]);
    for (const config of configs) {
      expect(config.sweep).toEqual(RESCUE_STARTS.map((s) => s.init));
      const parsed = parseConfig(configJson(config));
      expect(parsed.ok && parsed.config).toEqual(config);
    }
  });

  it('the reader’s seed and nothing else of the panel: ReLU, the same training for every network, within budget', () => {
    const { architecture: _, ...shared } = configs[0];
    for (const config of configs) {
      const { architecture: __, ...rest } = config;
      expect(rest).toEqual(shared);
    }
    expect(shared).toMatchObject({ seed: 7, activation: 'relu', train: RESCUE_TRAIN });
    expect(shared.width).toBeLessThanOrEqual(MAX_WIDTH);
    expect(RESCUE_TRAIN.steps).toBeLessThanOrEqual(MAX_STEPS);
    expect(configs.reduce((sum, c) => sum + trainWork(c), 0)).toBeLessThan(MAX_GRID_WORK);
  });

  it('the plain networks with and without LayerNorm start every series from the same weights', async () => {
    const engine = new CpuEngine();
    const [plain, normed] = await Promise.all(configs.slice(0, 2).map((c) => engine.train(c)));
    for (const [s] of RESCUE_STARTS.entries()) expect(await normed.parameters(s)).toEqual(await plain.parameters(s));
    plain.dispose();
    normed.dispose();
  });
});
