import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { defaultConfig, type ExperimentConfig, parseConfig } from '../../src/lab/config';
import { CLAIM_DRAWS, claimConfig, HE_SWEEP } from '../../src/ui/sectionConfigs';
import {
  backwardModes,
  backwardXavier,
  ensembleGrowth,
  heFirstLayer,
  heResult,
  reluNote,
  sectionSetting,
  seedGrowth,
  seedSetting,
} from '../../src/ui/sentences';

const engine = new CpuEngine();
const run = (config: ExperimentConfig) => engine.run(config);

describe('the sentences that follow the panel', () => {
  it("name the panel's network and theory's factor per layer for every σ, and how far the drawn network went", async () => {
    const result = await run(defaultConfig());
    expect(seedSetting(result.config)).toBe(
      'Running now, from the panel: ReLU, 8 layers of 10 neurons, X = [1, 2, 3, 4, 5]; one network per series.',
    );
    const text = seedGrowth(result);
    // nσ²/2 at n = 10: 5e-10, 5e-6, 5e-4, 0.05 and 1.25.
    for (const part of [
      'σ = 1e-5: ×5.00e-10',
      'σ = 1e-3: ×5.00e-6',
      'σ = 0.01: ×5.00e-4',
      'σ = 0.1: ×0.0500',
      'σ = 0.5: ×1.25',
    ])
      expect(text).toContain(part);
    const half = result.series[4].layers;
    expect(text).toContain(
      `The one network drawn at σ = 0.5 went ×${(half[7].pre.var / half[0].pre.var).toPrecision(3)}`,
    );
    expect(text).toContain('against ×4.77 expected');
  });

  it('say "no ratio" instead of NaN for zero weights, and say nothing about growth with one layer', async () => {
    const zeros = await run({ ...defaultConfig(), sweep: [{ kind: 'zeros' }] });
    expect(seedGrowth(zeros)).toBe('');
    expect(ensembleGrowth(zeros)).toBe('');
    const mixed = await run({
      ...defaultConfig(),
      trials: 3,
      sweep: [{ kind: 'zeros' }, { kind: 'normal', sigma: 0.5 }],
    });
    expect(ensembleGrowth(mixed)).not.toContain('NaN');
    expect(seedGrowth({ ...zeros, config: { ...zeros.config, depth: 1 } })).toContain('one layer');
  });

  it("name a panel's width and depth lists, give each network of the grid its own theory, and say which network a section draws", async () => {
    const parsed = parseConfig({ width: [10, 40], depth: [4, 8], sweep: [{ kind: 'normal', sigma: 0.5 }] });
    if (!parsed.ok) throw new Error('a valid grid');
    const result = await run(parsed.config);
    expect(seedSetting(result.config)).toContain('ReLU, 4 or 8 layers of 10 or 40 neurons');
    const text = seedGrowth(result);
    // nσ²/2 per layer: 1.25 at width 10 and 5 at width 40, whatever the depth.
    for (const part of [
      'σ = 0.5 · n = 10 · L = 4: ×1.25',
      'σ = 0.5 · n = 10 · L = 8: ×1.25',
      'σ = 0.5 · n = 40 · L = 4: ×5.00',
      'σ = 0.5 · n = 40 · L = 8: ×5.00',
    ])
      expect(text).toContain(part);
    // The fastest is the deepest of the widest: 5^7 from its layer 1 to its layer 8.
    expect(text).toContain(`at σ = 0.5 · n = 40 · L = 8 went`);
    expect(text).toContain(`against ×${(5 ** 7).toPrecision(3)} expected`);
    const section = claimConfig(parsed.config, HE_SWEEP, CLAIM_DRAWS);
    expect([section.width, section.depth, section.axes.width, section.axes.depth]).toEqual([100, 4, null, null]);
    expect(sectionSetting(section, parsed.config)).toContain(
      'The panel lists widths 10, 40 and depths 4, 8: this section draws the first network of that list.',
    );
  });

  it('mark a ReLU paragraph only when the panel runs another activation or a bias', () => {
    expect(reluNote(defaultConfig())).toBe('');
    expect(reluNote({ ...defaultConfig(), activation: 'tanh' })).toContain('network is tanh');
    expect(reluNote({ ...defaultConfig(), bias: 0.1 })).toContain('with bias 0.1');
  });

  it("say when a section widened the panel's layers, and He's first-layer ratio to Xavier on the section's shape", () => {
    const wide = claimConfig(defaultConfig(), HE_SWEEP, CLAIM_DRAWS);
    expect(sectionSetting(wide, defaultConfig())).toContain(
      "100 neurons, X = [1, 2, 3, 4, 5] (the panel's width 10, raised",
    );
    expect(sectionSetting(wide, wide)).not.toContain('raised');
    // (5 + 100)/5 = 21.
    expect(heFirstLayer(wide)).toContain("He's 2/5 is 21 times Xavier's 2/105");
  });

  it('say the two fan modes agree backward for piecewise-linear activations without bias, and differ otherwise', () => {
    const wide = claimConfig(defaultConfig(), HE_SWEEP, CLAIM_DRAWS);
    expect(backwardModes(wide)).toContain('gradient curves agree');
    expect(backwardModes(wide)).toContain('first-layer variance is 0.0500');
    for (const other of [{ activation: 'tanh' as const }, { activation: 'gelu' as const }, { bias: 0.1 }])
      expect(backwardModes({ ...wide, ...other })).toContain('gradient curves differ');
    expect(backwardModes({ ...wide, activation: 'leaky-relu' })).toContain('gradient curves agree');
  });

  it("give Xavier's factor per layer by theory: ½ both ways on ReLU, and a far smaller one back on sigmoid", () => {
    const sweep = [{ kind: 'xavier-normal' as const }];
    const relu = claimConfig(defaultConfig(), sweep, CLAIM_DRAWS);
    expect(backwardXavier(relu, 0)).toContain('by ×0.500 per layer back');
    expect(backwardXavier(relu, 0)).toContain('E[Z²] by ×0.500 per layer forward');
    // Sigmoid: n·Var[W]·E[σ′(Z)²] at the length map's fixed point ≈ 0.0557.
    expect(backwardXavier({ ...relu, activation: 'sigmoid' }, 0)).toMatch(/by ×0\.05\d+ per layer back/);
  });

  it("quote He's median and mean from the section's result", async () => {
    const config = { ...claimConfig(defaultConfig(), HE_SWEEP, CLAIM_DRAWS), trials: 8 };
    const result = await run(config);
    const [he] = result.series;
    const median = he.layers[7].pre.median.var / he.layers[0].pre.median.var;
    expect(heResult(result)).toContain(`He's median Var(Z₈) is ×${median.toPrecision(3)}`);
  });
});
