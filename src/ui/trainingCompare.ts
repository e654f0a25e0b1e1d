/**
 * Engine "both" in the training section: the GPU's history against the float64 CPU reference's, judged by the rule the
 * terminal's `npm run train --engine both` uses (compareTraining.ts), on the entries both sessions have recorded so far.
 */
import { compareTraining, judgedSpan, type TrainComparison } from '../lab/compareTraining';
import type { ExperimentConfig } from '../lab/config';
import type { TrainResult, TrainSnapshot } from '../lab/training';
import { el } from './dom';
import { formatNumber } from './format';
import { registerDrawing } from './testHooks';

/** A snapshot as a result, with only the entries up to `upTo` updates: what both engines can have recorded. */
function upTo(snapshot: TrainSnapshot, step: number, config: ExperimentConfig, engine: 'cpu' | 'gpu'): TrainResult {
  const series = snapshot.series.map((s) => ({ ...s, history: s.history.filter((e) => e.step <= step) }));
  return { ...snapshot, series, config, engine, timings: { totalMs: 0 } };
}

/** The GPU-vs-CPU verdict on the entries both engines have recorded so far. */
export function comparisonText(comparison: TrainComparison): string {
  const first = judgedSpan(comparison);
  const parted = comparison.partWays.filter((p) => p.step !== null);
  const apart = parted.length
    ? ` Later, float32 and float64 part ways (training amplifies rounding): ${parted.map((p) => `${p.label} at step ${p.step}`).join(', ')}.`
    : '';
  if (comparison.verdict === 'disagree') {
    const w = comparison.worst!;
    return `GPU and CPU disagree: ${w.label}, step ${w.step}, ${w.figure} differs by ${formatNumber(w.difference, 3)} (allowed ${formatNumber(w.tolerance, 3)}).`;
  }
  const held = comparison.verdict === 'agree-where-held' ? ' where both hold a figure' : '';
  return `GPU and CPU agree${held}: ${comparison.compared} figures of ${first} within ${comparison.tolerance} relative.${apart}`;
}

export function compareSoFar(config: ExperimentConfig, gpu: TrainSnapshot, cpu: TrainSnapshot): TrainComparison {
  const step = Math.min(gpu.step, cpu.step);
  return compareTraining(upTo(cpu, step, config, 'cpu'), upTo(gpu, step, config, 'gpu'));
}

export function drawTrainingComparison(
  host: HTMLElement,
  config: ExperimentConfig,
  gpu: TrainSnapshot,
  cpu: TrainSnapshot,
): TrainComparison {
  const comparison = compareSoFar(config, gpu, cpu);
  const pass = comparison.verdict !== 'disagree';
  host.replaceChildren(
    el('h3', { text: 'GPU vs CPU, trained' }),
    el('p', {
      testid: 'training-verdict',
      className: pass ? 'verdict-pass' : 'verdict-fail',
      text: comparisonText(comparison),
    }),
  );
  registerDrawing('training-compare', comparison);
  return comparison;
}
