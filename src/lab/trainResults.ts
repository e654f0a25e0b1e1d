/**
 * The JSON and CSV of a training run, as `npm run train` writes them (and the page's export will): the sweep's shape
 * — {config, engine, device?, timings, series: [{label, init, …}]} — with the session's step and finished, and per
 * series its `outcome` and `history` (training.ts). The CSV has one row per series, history entry and layer.
 */
import type { TrainResult } from './training';

export function trainResultJson(result: TrainResult): object {
  return {
    config: result.config,
    engine: result.engine,
    ...(result.device ? { device: result.device } : {}),
    timings: result.timings,
    step: result.step,
    finished: result.finished,
    series: result.series.map((s) => ({ label: s.label, init: s.init, outcome: s.outcome, history: s.history })),
  };
}

/** The CSV's columns, in order; the README describes each. */
export const TRAIN_CSV_COLUMNS = [
  'series',
  'label',
  'step',
  'trainLoss',
  'trainAccuracy',
  'testLoss',
  'testAccuracy',
  'layer',
  'preMean',
  'preVar',
  'preMeanSq',
  'weightGradMeanSq',
  'updateRatio',
] as const;

/** A cell: a number as JavaScript writes it in full, null as an empty cell. */
const cell = (value: number | null) => (value === null ? '' : String(value));

export function trainResultCsv(result: TrainResult): string {
  const rows = result.series.flatMap((s, index) =>
    s.history.flatMap((entry) =>
      entry.layers.map((l) =>
        [
          String(index),
          JSON.stringify(s.label),
          ...[entry.step, entry.trainLoss, entry.trainAccuracy, entry.testLoss, entry.testAccuracy, l.layer].map(cell),
          ...[l.pre.mean, l.pre.var, l.pre.meanSq, l.weightGrad.meanSq, l.updateRatio].map(cell),
        ].join(','),
      ),
    ),
  );
  return `${[TRAIN_CSV_COLUMNS.join(','), ...rows].join('\n')}\n`;
}
