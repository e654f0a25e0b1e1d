/**
 * The learning-rate transfer's reading of a training over widths and learning rates: the loss at the last step per
 * width and learning rate, diverged runs without a loss, and each width's best learning rate.
 */
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { formatError, parseConfig } from '../../src/lab/config';
import { lrCurves } from '../../src/lab/lrTransfer';
import { trainToEnd } from '../../src/lab/training';

describe('learning-rate transfer', () => {
  it('reads the last entry of every width and learning rate, leaves diverged runs without a loss, and finds each best', async () => {
    const parsed = parseConfig({
      depth: 1,
      width: [8, 16],
      sweep: [{ kind: 'he-normal' }],
      train: {
        dataset: { kind: 'teacher', size: 64, dim: 4, classes: 0 },
        batch: 16,
        steps: 6,
        evalEvery: 6,
        // A regression with MSE: lr 100 sends plain SGD off to infinity within six steps.
        optimizer: { kind: 'sgd', lr: [0.01, 0.1, 100], momentum: 0 },
      },
    });
    if (!parsed.ok) throw new Error(parsed.errors.map(formatError).join('\n'));
    const result = await trainToEnd(new CpuEngine(), parsed.config);
    const curves = lrCurves(result.series, 6);
    expect(curves.map((c) => c.width)).toEqual([8, 16]);
    for (const curve of curves) {
      expect(curve.points.map((p) => p.lr)).toEqual([0.01, 0.1, 100]);
      const runs = result.series.filter((s) => s.width === curve.width);
      for (const point of curve.points) {
        const run = runs.find((s) => s.lr === point.lr)!;
        if (run.outcome.status === 'diverged') {
          expect(point).toEqual({ lr: point.lr, loss: null, divergedAt: run.outcome.step });
        } else expect(point.loss).toBe(run.history.find((e) => e.step === 6)!.trainLoss);
      }
      expect(curve.points[2].divergedAt).not.toBeNull();
      const losses = curve.points.filter((p) => p.loss !== null);
      const lowest = Math.min(...losses.map((p) => p.loss!));
      expect(curve.best).toBe(losses.find((p) => p.loss === lowest)!.lr);
      expect(curve.bestAtEdge).toBe(curve.best === 0.01);
    }
  });

  it('a run that has not reached the last step has no loss yet, and a width without any has no best', () => {
    const curves = lrCurves(
      [
        {
          label: 'He normal · n = 8 · lr = 0.1',
          init: { kind: 'he-normal' },
          width: 8,
          lr: 0.1,
          history: [],
          outcome: { status: 'unfinished', step: null },
        },
      ],
      6,
    );
    expect(curves).toEqual([
      { width: 8, points: [{ lr: 0.1, loss: null, divergedAt: null }], best: null, bestAtEdge: false },
    ]);
  });
});
