/** The GPU-vs-CPU judgement of training, on a CPU run against itself and against altered copies of it. */
import { describe, expect, it } from 'vitest';
import { comparisonReport } from '../../src/cli/trainTable';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { COMPARED_STEPS, comparedSteps, compareTraining, GRADIENT_RESOLUTION } from '../../src/lab/compareTraining';
import { type ExperimentConfig, formatError, parseConfig } from '../../src/lab/config';
import { type TrainResult, trainToEnd } from '../../src/lab/training';

function config(optimizer: object): ExperimentConfig {
  const parsed = parseConfig({
    depth: 2,
    width: 8,
    sweep: [{ kind: 'he-normal' }, { kind: 'xavier-normal' }],
    train: { dataset: { kind: 'circles', size: 100 }, optimizer, batch: 10, steps: 40, evalEvery: 5 },
  });
  if (!parsed.ok) throw new Error(parsed.errors.map(formatError).join('; '));
  return parsed.config;
}

const sgd = await trainToEnd(new CpuEngine(), config({ kind: 'sgd', lr: 0.1 }));
const adam = await trainToEnd(new CpuEngine(), config({ kind: 'adam', lr: 0.01 }));

/** A copy of `result` with `change` applied to series 0's entry at `step`. */
function altered(result: TrainResult, step: number, change: (entry: TrainResult['series'][0]['history'][0]) => void) {
  const copy: TrainResult = structuredClone(result);
  change(copy.series[0].history.find((e) => e.step === step)!);
  return copy;
}

describe('comparing two trainings', () => {
  it('a run agrees with itself, every figure of the entries up to step 20 compared', () => {
    const comparison = compareTraining(sgd, sgd);
    expect(comparison.verdict).toBe('agree');
    expect(comparison.worst!.difference).toBe(0);
    // Entries 0, 5, 10, 15, 20 of two series: 2 losses, 2 accuracies, and per layer Z's 4 figures, the gradient's
    // mean square (+ the ratio after 0), and the 2 hidden layers' |φ(Z)| and mean square.
    const perEntry = (ratios: boolean) => 4 + 3 * (5 + (ratios ? 1 : 0)) + 2 * 2;
    expect(comparison.compared).toBe(2 * (perEntry(false) + 4 * perEntry(true)));
    expect(comparison.partWays.map((p) => p.step)).toEqual([null, null]);
  });

  it('a loss 2e-4 off within the first 20 steps disagrees under SGD (1e-4) and agrees under Adam (1e-3)', () => {
    const off = (r: TrainResult) => altered(r, 10, (e) => (e.trainLoss *= 1 + 2e-4));
    const sgdComparison = compareTraining(sgd, off(sgd));
    expect(sgdComparison.verdict).toBe('disagree');
    expect(sgdComparison.failures.map((f) => [f.step, f.figure])).toEqual([[10, 'trainLoss']]);
    expect(comparisonReport(sgdComparison)).toMatch(/^DISAGREE: 1 of \d+ figures outside tolerance\.$/m);
    expect(compareTraining(adam, off(adam)).verdict).toBe('agree');
  });

  it('a difference after step 20 does not judge, but says where the trajectories part ways', () => {
    const later = altered(sgd, 30, (e) => (e.layers[1].pre.var *= 1.01));
    const comparison = compareTraining(sgd, later);
    expect(COMPARED_STEPS).toBe(20);
    expect(comparison.verdict).toBe('agree');
    expect(comparison.partWays[0].step).toBe(30);
    expect(comparisonReport(comparison)).toContain('He normal: the trajectories part ways at step 30');
  });

  it('one point of a set may change its prediction, two may not', () => {
    const train = 80;
    expect(
      compareTraining(
        sgd,
        altered(sgd, 5, (e) => (e.trainAccuracy! += 1 / train)),
      ).verdict,
    ).toBe('agree');
    expect(
      compareTraining(
        sgd,
        altered(sgd, 5, (e) => (e.trainAccuracy! += 2 / train)),
      ).verdict,
    ).toBe('disagree');
  });

  it('an entry only one run recorded is not comparable: agree where both hold', () => {
    const diverged: TrainResult = structuredClone(sgd);
    diverged.series[1].history = diverged.series[1].history.filter((e) => e.step < 15);
    diverged.series[1].outcome = { status: 'diverged', step: 12 };
    const comparison = compareTraining(sgd, diverged);
    expect(comparison.verdict).toBe('agree-where-held');
    expect(comparison.notComparable.map((n) => n.step)).toEqual([15, 20]);
    expect(comparisonReport(comparison)).toContain('AGREE WHERE BOTH HOLD');
  });

  it("a constant start's hidden gradients cancel to rounding: listed apart when both runs are at rounding, judged when one is not", async () => {
    const parsed = parseConfig({
      depth: 2,
      width: 8,
      sweep: [{ kind: 'constant', value: 0.2 }],
      train: {
        dataset: { kind: 'circles', size: 100 },
        optimizer: { kind: 'sgd', lr: 0.1 },
        batch: 10,
        steps: 10,
        evalEvery: 5,
      },
    });
    if (!parsed.ok) throw new Error(parsed.errors.map(formatError).join('; '));
    const constant = await trainToEnd(new CpuEngine(), parsed.config);
    const start = constant.series[0].history[0].layers;
    // Exactly 0 in exact arithmetic: float64 leaves rounding far below the readout's gradient.
    expect(start[0].weightGrad.meanSq).toBeLessThan(GRADIENT_RESOLUTION * start[2].weightGrad.meanSq);
    const exactZero = altered(constant, 0, (e) => {
      e.layers[0].weightGrad.meanSq = 0;
      e.layers[1].weightGrad.meanSq = 0;
    });
    const comparison = compareTraining(constant, exactZero);
    expect(comparison.verdict).toBe('agree-where-held');
    expect(comparison.notComparable.map((n) => n.reason)).toContain(
      "layer 1 weightGrad.meanSq: both runs below float32's resolution of the gradients above it",
    );
    const real = altered(constant, 0, (e) => (e.layers[0].weightGrad.meanSq = 1e-3 * start[2].weightGrad.meanSq));
    expect(compareTraining(constant, real).failures.map((f) => f.figure)).toEqual(['layer 1 weightGrad.meanSq']);
  });

  it('Adam on a residual BatchNorm network is judged at step 0 only, its later entries listed apart once a series', () => {
    const shape = (architecture: object, kind: string) => ({
      architecture: { kind: 'plain', norm: 'none', ...architecture },
      train: { optimizer: { kind } },
    });
    const steps = (architecture: object, kind: string) =>
      comparedSteps(shape(architecture, kind) as unknown as Parameters<typeof comparedSteps>[0]);
    expect(steps({ kind: 'residual', norm: 'batch' }, 'adam')).toBe(0);
    for (const [architecture, kind] of [
      [{ kind: 'residual', norm: 'batch' }, 'sgd'],
      [{ norm: 'batch' }, 'adam'],
      [{ kind: 'residual', norm: 'layer' }, 'adam'],
    ] as const)
      expect(steps(architecture, kind)).toBe(COMPARED_STEPS);
    const residual = structuredClone(adam);
    residual.config.architecture = { ...residual.config.architecture, kind: 'residual', norm: 'batch' };
    const later = altered(residual, 10, (e) => (e.trainLoss *= 1.5));
    const comparison = compareTraining(residual, later);
    expect(comparison.verdict).toBe('agree-where-held');
    expect(comparison.notComparable.map((n) => [n.series, n.step])).toEqual([
      [0, 5],
      [1, 5],
    ]);
    expect(comparison.partWays[0].step).toBe(10);
    expect(comparisonReport(comparison)).toMatch(/entries of step 0: /);
  });
});
