/**
 * The JSON and CSV of a training run, as `npm run train` writes them (and the page's export will): the sweep's shape
 * — {config, engine, device?, timings, series: [{label, init, width, depth, parametrization, …}]} — with the session's
 * step and finished, and per series its `outcome` and `history` (training.ts). The CSV has one row per series, history
 * entry and layer.
 */
import { configJson } from './config';
import { placement } from './results';
import type { TrainResult } from './training';

export function trainResultJson(result: TrainResult): object {
  return {
    config: configJson(result.config),
    engine: result.engine,
    ...(result.device ? { device: result.device } : {}),
    timings: result.timings,
    step: result.step,
    finished: result.finished,
    series: result.series.map((s) => ({
      label: s.label,
      init: s.init,
      ...placement(s, result.config),
      lr: s.lr ?? result.config.train.optimizer.lr,
      outcome: s.outcome,
      history: s.history,
    })),
  };
}

/** The CSV's columns, in order; the README describes each. */
export const TRAIN_CSV_COLUMNS = [
  'series',
  'label',
  'width',
  'depth',
  'parametrization',
  'lr',
  'step',
  'trainLoss',
  'trainAccuracy',
  'testLoss',
  'testAccuracy',
  'layer',
  'preMean',
  'preVar',
  'preMeanSq',
  'preMeanAbs',
  'postMeanAbs',
  'postMeanSq',
  'deltaMeanAbs',
  'deltaMeanSq',
  'weightGradMeanSq',
  'updateRatio',
  'streamMean',
  'streamVar',
  'streamMeanSq',
  'branchMean',
  'branchVar',
  'branchMeanSq',
  'flags',
] as const;

/** A cell: a number as JavaScript writes it in full, null (or absent) as an empty cell. */
const cell = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));

export function trainResultCsv(result: TrainResult): string {
  const rows = result.series.flatMap((s, index) =>
    s.history.flatMap((entry) =>
      entry.layers.map((l) =>
        [
          String(index),
          JSON.stringify(s.label),
          ...Object.values(placement(s, result.config)).map(String),
          cell(s.lr ?? result.config.train.optimizer.lr),
          ...[entry.step, entry.trainLoss, entry.trainAccuracy, entry.testLoss, entry.testAccuracy, l.layer].map(cell),
          ...[l.pre.mean, l.pre.var, l.pre.meanSq, l.pre.meanAbs, l.post?.meanAbs, l.post?.meanSq].map(cell),
          ...[l.delta?.meanAbs, l.delta?.meanSq, l.weightGrad.meanSq, l.updateRatio].map(cell),
          ...[l.stream?.mean, l.stream?.var, l.stream?.meanSq].map(cell),
          ...[l.branch?.mean, l.branch?.var, l.branch?.meanSq].map(cell),
          l.flags.map((f) => `${f.quantity}:${f.kind}:${f.precision}`).join(' '),
        ].join(','),
      ),
    ),
  );
  return `${[TRAIN_CSV_COLUMNS.join(','), ...rows].join('\n')}\n`;
}
