/**
 * The GPU trainer trains every architecture (src/lab/architecture.ts) as the float64 CPU trainer does: residual
 * networks without normalization, with LayerNorm and with BatchNorm, zero-initialized branches with α = 1/√L, and
 * plain networks with LayerNorm and BatchNorm, each judged by compareTraining — the rule `npm run train -- --engine
 * both` applies: every evaluated loss and per-layer figure (a block's stream and branch included) within 1e-4
 * relative with SGD and 1e-3 with Adam, the plain MLP's bars (compareTraining.ts says why those).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { compareTraining, TRAIN_TOLERANCES } from '../../src/lab/compareTraining';
import type { ExperimentConfig } from '../../src/lab/config';
import { trainToEnd } from '../../src/lab/training';
import { config } from './agreement';

const gpu = await GpuEngine.create();
const cpu = new CpuEngine();
afterAll(() => gpu.dispose());

const spirals = { kind: 'spirals', size: 200, noise: 0.1, test: 0.2 };
const sgd = { kind: 'sgd', lr: 0.05, momentum: 0.9 };
const adam = { kind: 'adam', lr: 0.01 };

function trainingOf(architecture: object, optimizer: object, extra: object = {}): ExperimentConfig {
  return config({
    depth: 3,
    width: 32,
    sweep: [{ kind: 'he-normal' }, { kind: 'xavier-uniform' }],
    architecture,
    train: { dataset: spirals, batch: 16, steps: 12, evalEvery: 4, optimizer },
    ...extra,
  });
}

async function compare(c: ExperimentConfig) {
  const [reference, candidate] = [await trainToEnd(cpu, c), await trainToEnd(gpu, c)];
  const comparison = compareTraining(reference, candidate);
  const w = comparison.worst;
  const message = `${comparison.failures.length} failures; worst ${w?.figure} at step ${w?.step}: ${w?.difference}`;
  console.log(
    `${JSON.stringify(c.architecture)}, ${c.train.optimizer.kind}: ${comparison.compared} figures, ${message}`,
  );
  return { comparison, message, reference, candidate };
}

/** Every series recorded every entry, each with depth + 1 layers, a residual block's stream and branch beside. */
function expectEntries(c: ExperimentConfig, candidate: Awaited<ReturnType<typeof compare>>['candidate']) {
  for (const series of candidate.series) {
    expect(series.history.map((e) => e.step)).toEqual([0, 4, 8, 12]);
    for (const entry of series.history) {
      expect(entry.layers).toHaveLength(c.depth + 1);
      const blocks = entry.layers.slice(0, c.depth);
      const residual = c.architecture.kind === 'residual';
      expect(blocks.every((l) => (l.stream !== undefined && l.branch !== undefined) === residual)).toBe(true);
    }
  }
}

describe('the GPU trainer trains every architecture as the float64 reference does', () => {
  for (const [architecture, optimizer, name] of [
    [{ kind: 'residual' }, sgd, 'residual, SGD'],
    [{ kind: 'residual', norm: 'layer' }, adam, 'residual with LayerNorm, Adam'],
    [{ kind: 'residual', norm: 'batch' }, sgd, 'residual with BatchNorm, SGD'],
    [{ norm: 'layer' }, sgd, 'plain with LayerNorm, SGD'],
    [{ norm: 'batch' }, sgd, 'plain with BatchNorm, SGD'],
  ] as const) {
    it(`${name}: every entry's figures within the plain MLP's bars`, async () => {
      const c = trainingOf(architecture, optimizer);
      const { comparison, message, candidate } = await compare(c);
      expect(comparison.verdict, message).toBe('agree');
      expectEntries(c, candidate);
    });
  }

  it('zero-initialized branches, α = 1/√L, Adam: agree, the blocks’ gradients at step 0 listed apart', async () => {
    const c = trainingOf({ kind: 'residual', branchScale: '1/sqrt(depth)', zeroInitLast: true }, adam);
    const { comparison, message, candidate } = await compare(c);
    // W_{l,2} = 0 sends no gradient to W_{l,1} before the first update: exactly 0 in exact arithmetic and rounding
    // in both engines, which compareTraining lists apart as not comparable.
    expect(comparison.verdict, message).toBe('agree-where-held');
    expect(comparison.notComparable.length).toBeGreaterThan(0);
    for (const apart of comparison.notComparable) {
      expect(apart.step).toBe(0);
      expect(apart.reason).toMatch(/^layer [1-3] weightGrad\.meanSq: both runs below/);
    }
    expectEntries(c, candidate);
  });

  it('plain with BatchNorm, Adam: the losses and gradients agree; only Z before each BatchNorm parts ways', async () => {
    const c = trainingOf({ norm: 'batch' }, adam);
    const { comparison, reference, candidate } = await compare(c);
    // BatchNorm removes each unit's mean over the batch, so the bias before it has gradient 0 in exact arithmetic:
    // rounding in both engines (~1e-17 in float64, ~1e-9 in float32), which Adam's m̂/(√v̂ + ε) turns into steps of
    // up to lr where float32's rounding reaches ε. Z's moments then move apart while the network's outputs do not.
    for (const f of comparison.failures) expect(f.figure).toMatch(/^layer [1-3] pre\./);
    for (const [s, series] of reference.series.entries()) {
      for (const [e, entry] of series.history.entries()) {
        const gpuEntry = candidate.series[s].history[e];
        expect(Math.abs(gpuEntry.trainLoss - entry.trainLoss) / entry.trainLoss).toBeLessThan(TRAIN_TOLERANCES.adam);
        expect(Math.abs(gpuEntry.testLoss - entry.testLoss) / entry.testLoss).toBeLessThan(TRAIN_TOLERANCES.adam);
      }
    }
    expectEntries(c, candidate);
  });
});
