/**
 * What the training section's line charts plot, from a snapshot of the history: per series its train (solid) and
 * test (dashed) loss or accuracy over the steps, and per layer of one series its update-to-weight ratio. Plain data
 * (no DOM), so that tests check what is plotted against the engine's own history.
 */
import type { TrainHistoryEntry, TrainSeries, TrainSnapshot } from '../lab/training';
import { colorOf } from './palette';
import type { ChartMark, LineChartData } from './trainingLineChart';
import { outcomeText } from './trainingSentences';

/** Every step at which some series has an entry, in order. */
export function entrySteps(series: TrainSeries[]): number[] {
  return [...new Set(series.flatMap((s) => s.history.map((e) => e.step)))].sort((a, b) => a - b);
}

/** One value per step of `x`: the entry's figure where the series has an entry there, null elsewhere. */
function along(x: number[], history: TrainHistoryEntry[], pick: (e: TrainHistoryEntry) => number | null) {
  const at = new Map(history.map((e) => [e.step, e]));
  return x.map((step) => {
    const entry = at.get(step);
    return entry ? pick(entry) : null;
  });
}

/** An × at the last finite entry of every diverged series, saying so. */
function divergedMarks(series: TrainSeries[], pick: (e: TrainHistoryEntry) => number | null): ChartMark[] {
  return series.flatMap((s, i) => {
    if (s.outcome.status !== 'diverged') return [];
    const last = s.history.at(-1);
    return [
      {
        x: last?.step ?? 0,
        y: last ? pick(last) : null,
        color: colorOf(i),
        text: `${s.label}: ${outcomeText(s.outcome)}`,
      },
    ];
  });
}

/** Train and test curves of every series for one figure of the entries (a loss, an accuracy). */
export function curveData(
  snapshot: TrainSnapshot,
  train: (e: TrainHistoryEntry) => number | null,
  test: (e: TrainHistoryEntry) => number | null,
): LineChartData {
  const x = entrySteps(snapshot.series);
  const lines = snapshot.series.flatMap((s, i) => [
    { label: `${s.label} train`, color: colorOf(i), dashed: false, values: along(x, s.history, train) },
    { label: `${s.label} test`, color: colorOf(i), dashed: true, values: along(x, s.history, test) },
  ]);
  return { x, lines, marks: divergedMarks(snapshot.series, train) };
}

export const lossData = (snapshot: TrainSnapshot) =>
  curveData(
    snapshot,
    (e) => e.trainLoss,
    (e) => e.testLoss,
  );

/** Null for regression, which has no accuracy. */
export const accuracyData = (snapshot: TrainSnapshot) =>
  snapshot.series[0]?.history[0]?.trainAccuracy === null
    ? null
    : curveData(
        snapshot,
        (e) => e.trainAccuracy,
        (e) => e.testAccuracy,
      );

/** At most this many layers get a line: the first, the readout and layers evenly between. */
export const MAX_RATIO_LINES = 8;

/** The layers (1-based) a chart of `layers` layers draws. */
export function shownLayers(layers: number): number[] {
  if (layers <= MAX_RATIO_LINES) return Array.from({ length: layers }, (_, l) => l + 1);
  const picked = Array.from({ length: MAX_RATIO_LINES }, (_, i) =>
    Math.round(1 + (i * (layers - 1)) / (MAX_RATIO_LINES - 1)),
  );
  return [...new Set(picked)];
}

/** ‖ΔW_l‖/‖W_l‖ of one series per layer over the steps; null at step 0, where no update has been made. */
export function updateRatioData(series: TrainSeries, seriesIndex: number): LineChartData {
  const x = entrySteps([series]).filter((step) => step > 0);
  const layers = series.history[0]?.layers.length ?? 0;
  const lines = shownLayers(layers).map((layer, i) => ({
    label: layer === layers ? `readout (layer ${layer})` : `layer ${layer}`,
    color: colorOf(i),
    dashed: false,
    values: along(x, series.history, (e) => e.layers[layer - 1].updateRatio),
  }));
  const marks =
    series.outcome.status === 'diverged'
      ? [
          {
            x: x.at(-1) ?? 0,
            y: null,
            color: colorOf(seriesIndex),
            text: `${series.label}: ${outcomeText(series.outcome)}`,
          },
        ]
      : [];
  return { x, lines, marks };
}
