/**
 * Learning-rate transfer (Tensor Programs V, Yang et al. 2021; the `mup` package's promise): the same network trained
 * at several widths, each at several learning rates, for the same number of steps; per width, the train loss at the
 * last step against the learning rate. Where a parametrization keeps every layer's update Θ(1) as the width grows, the
 * best learning rate is the same at every width, so one tuned on a narrow network serves a wide one. Built from one
 * training over a grid of widths and learning rates (grid.ts); a diverged run has no loss, only the step it diverged at.
 */
import type { TrainSeries } from './training';

export interface LrPoint {
  lr: number;
  /** The train loss after the training's last step; null when the run diverged or has not got there. */
  loss: number | null;
  /** The update after which the run stopped being finite; null when it did not. */
  divergedAt: number | null;
}

export interface LrCurve {
  width: number;
  /** One per learning rate, in increasing order. */
  points: LrPoint[];
  /** The learning rate with the lowest loss; null when no run has one. */
  best: number | null;
  /** The best is the grid's smallest or largest learning rate: the true optimum may lie beyond it. */
  bestAtEdge: boolean;
}

/** Per width (in increasing order) the loss after `steps` updates at each learning rate, and the best of them. */
export function lrCurves(series: TrainSeries[], steps: number): LrCurve[] {
  const widths = [...new Set(series.map((s) => s.width ?? Number.NaN))].sort((a, b) => a - b);
  return widths.map((width) => {
    const points = series
      .filter((s) => s.width === width && s.lr !== undefined)
      .map((s): LrPoint => {
        const diverged = s.outcome.status === 'diverged';
        const last = s.history.find((e) => e.step === steps);
        return {
          lr: s.lr as number,
          loss: diverged || !last ? null : last.trainLoss,
          divergedAt: diverged ? s.outcome.step : null,
        };
      })
      .sort((a, b) => a.lr - b.lr);
    const trained = points.filter((p) => p.loss !== null);
    const best = trained.length ? trained.reduce((a, b) => ((b.loss as number) < (a.loss as number) ? b : a)) : null;
    return {
      width,
      points,
      best: best?.lr ?? null,
      bestAtEdge: best !== null && (best === points[0] || best === points[points.length - 1]),
    };
  });
}
