/**
 * The per-layer figures a chart or table can show, declared once: where the engine's result and theory.ts keep each,
 * and how the page names it. Forward figures are variances (np.var, as the explainer measures them); gradient figures
 * are mean squares, the quantity the backward recursion E[g_{l−1}²] = (n·v/2)·E[g_l²] is about; a pair's correlation is
 * the mean of its cosines.
 */
import type { Quantity } from '../lab/results';
import type { Moments } from '../lab/stats';
import type { TheoryLayer } from '../lab/theory';

export interface QuantityInfo {
  statistic: 'mean' | 'var' | 'meanSq';
  /** As the axis, the table caption and the legend write it. */
  symbol: string;
}

export const quantityInfo: Record<Quantity, QuantityInfo> = {
  pre: { statistic: 'var', symbol: 'Var(Z)' },
  post: { statistic: 'var', symbol: 'Var(H)' },
  grad: { statistic: 'meanSq', symbol: 'E[(∂L/∂Z)²]' },
  weightGrad: { statistic: 'meanSq', symbol: 'E[(∂L/∂W)²]' },
  stream: { statistic: 'meanSq', symbol: 'E[x²]' },
  branch: { statistic: 'meanSq', symbol: 'E[(α·F(x))²]' },
  streamGrad: { statistic: 'meanSq', symbol: 'E[(∂L/∂x)²]' },
  branchWeightGrad: { statistic: 'meanSq', symbol: 'E[(∂L/∂W₂)²]' },
  correlation: { statistic: 'mean', symbol: 'c = cos(Z_a, Z_b)' },
};

export const measured = (m: Moments, q: Quantity): number => m[quantityInfo[q].statistic];

/** NaN where theory has no such figure (a correlation without a pairs input). */
export const predicted = (layer: TheoryLayer, q: Quantity): number => layer[q]?.[quantityInfo[q].statistic] ?? NaN;
