/**
 * What `npm run train` prints: one row per series (outcome, steps to the target, the last entry's losses and
 * accuracies), and with `--engine both` the comparison, where the trajectories part ways and the verdict.
 */
import { judgedSpan, type TrainComparison } from '../lab/compareTraining';
import type { TrainOutcome, TrainResult } from '../lab/training';

const OUTCOME_WORDS: Record<TrainOutcome['status'], (step: number | null) => string> = {
  trained: (step) => `trained (target at step ${step})`,
  unfinished: () => 'unfinished (learning, target not reached)',
  stalled: () => 'stalled (no real progress)',
  diverged: (step) => `diverged at step ${step}`,
};

const number = (value: number | null) => (value === null ? '—' : value.toPrecision(4));
const percent = (value: number | null) => (value === null ? '—' : `${(100 * value).toFixed(1)} %`);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells.map((text, c) => (c === 0 ? text.padEnd(widths[c]) : text.padStart(widths[c]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

export function outcomeTable(result: TrainResult): string {
  const { targetLoss } = result.config.train;
  const rows = result.series.map((s) => {
    const last = s.history[s.history.length - 1];
    return [
      s.label,
      OUTCOME_WORDS[s.outcome.status](s.outcome.step),
      s.outcome.status === 'trained' ? String(s.outcome.step) : '—',
      last ? String(last.step) : '—',
      number(last?.trainLoss ?? null),
      percent(last?.trainAccuracy ?? null),
      number(last?.testLoss ?? null),
      percent(last?.testAccuracy ?? null),
    ];
  });
  const header = [
    'series',
    'outcome',
    `steps to ${targetLoss}`,
    'last entry',
    'train loss',
    'train acc',
    'test loss',
    'test acc',
  ];
  return table(header, rows);
}

export function comparisonReport(comparison: TrainComparison): string {
  const lines = [
    `GPU − CPU over the entries of ${judgedSpan(comparison)}: ${comparison.compared} figures compared, tolerance ${comparison.tolerance} relative (an accuracy: one point of its set).`,
  ];
  const w = comparison.worst;
  if (w)
    lines.push(
      `Worst: ${w.difference.toExponential(2)} (allowed ${w.tolerance}) at ${w.label}, step ${w.step}, ${w.figure}.`,
    );
  for (const f of comparison.failures.slice(0, 10))
    lines.push(`  outside: ${f.label}, step ${f.step}, ${f.figure}: ${f.difference.toExponential(2)}`);
  if (comparison.failures.length > 10) lines.push(`  … and ${comparison.failures.length - 10} more`);
  if (comparison.notComparable.length) {
    lines.push('Not comparable, listed apart:');
    for (const n of comparison.notComparable) lines.push(`  ${n.label}, step ${n.step}: ${n.reason}`);
  }
  for (const p of comparison.partWays)
    lines.push(
      p.step === null
        ? `${p.label}: the trajectories stay within tolerance to the end.`
        : `${p.label}: the trajectories part ways at step ${p.step} (the first entry with a figure beyond tolerance).`,
    );
  lines.push(verdictLine(comparison));
  return lines.join('\n');
}

function verdictLine(comparison: TrainComparison): string {
  switch (comparison.verdict) {
    case 'agree':
      return `AGREE: every figure of ${judgedSpan(comparison)} within tolerance.`;
    case 'agree-where-held':
      return `AGREE WHERE BOTH HOLD: every figure both engines recorded is within tolerance; ${comparison.notComparable.length} not comparable (listed above).`;
    case 'disagree':
      return `DISAGREE: ${comparison.failures.length} of ${comparison.compared} figures outside tolerance.`;
  }
}
