/**
 * The outcome table of "Which bad starts normalization rescues": one row per start and network with its outcome, the
 * steps to the target, its train loss at step 0 and at its last finite evaluation, and its test accuracy there; and
 * for a lecture slide the same outcomes as a grid, starts down and networks across. A network not trained yet shows
 * dashes. These tables are the numbers the loss charts draw.
 */
import { formatNumber } from './format';
import { RESCUE_NETWORKS, RESCUE_STARTS } from './rescueConfigs';
import { finalLoss, type RescueRuns } from './rescueSentences';
import { outcomeText } from './trainingSentences';
import { table } from './trainingTable';

const number = (v: number | null | undefined) => (v === null || v === undefined ? '—' : formatNumber(v));
const percent = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)} %`);

/** A start's label, the initializer's own once a run has it. */
const startLabel = (runs: RescueRuns, s: number) => runs.find((r) => r)?.series[s]?.label ?? RESCUE_STARTS[s].id;

/** The rows of the full table, starts in order and within each the networks in order. */
export function rescueRows(runs: RescueRuns): string[][] {
  return RESCUE_STARTS.flatMap((_, s) =>
    RESCUE_NETWORKS.map((network, n) => {
      const series = runs[n]?.series[s];
      const last = series?.history.at(-1);
      return [
        `${startLabel(runs, s)}, ${network.label}`,
        series ? outcomeText(series.outcome) : 'not trained yet',
        series?.outcome.status === 'trained' ? String(series.outcome.step) : '—',
        number(series?.history[0]?.trainLoss),
        number(series ? finalLoss(series) : null),
        percent(last?.testAccuracy),
      ];
    }),
  );
}

export function rescueTables(runs: RescueRuns): HTMLTableElement[] {
  const caption = 'Every start in every network: outcome, and train loss at step 0 and at the last finite evaluation';
  const head = ['start, network', 'outcome', 'steps to target', 'train loss, step 0', 'final train loss', 'test acc.'];
  const grid = RESCUE_STARTS.map((_, s) => [
    startLabel(runs, s),
    ...RESCUE_NETWORKS.map((_, n) => {
      const series = runs[n]?.series[s];
      return series ? outcomeText(series.outcome) : '—';
    }),
  ]);
  return [
    table('lecture-hidden', 'rescue-outcomes', caption, head, rescueRows(runs)),
    table(
      'lecture-only',
      'rescue-outcomes-summary',
      'Outcome of every start in every network',
      ['start', ...RESCUE_NETWORKS.map((n) => n.label)],
      grid,
    ),
  ];
}
