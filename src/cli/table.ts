/** The per-layer tables the terminal prints: one row per layer, one column per series, one table per quantity. */
import { QUANTITIES, type Quantity, type RunResult } from '../lab/results';
import type { Moments } from '../lab/stats';

const TITLES: Record<Quantity, string> = {
  pre: 'Var(Z) — pre-activation',
  post: 'Var(H) — post-activation',
  grad: 'Var(∂L/∂Z) — gradient at the pre-activation',
  weightGrad: 'Var(∂L/∂W) — weight gradient',
  stream: 'Var(x) — the residual stream, each block’s output',
  branch: 'Var(α·F(x)) — each block’s branch',
  streamGrad: 'Var(∂L/∂x) — gradient at the stream',
  branchWeightGrad: 'Var(∂L/∂W₂) — the branch’s last weight gradient',
  correlation: "c — mean cosine of each pair's Z (correlation)",
};
/** Each table's figure: the variance, except the correlation, whose figure is its mean over the pairs. */
const SHOWN: Record<Quantity, keyof Moments> = {
  pre: 'var',
  post: 'var',
  grad: 'var',
  weightGrad: 'var',
  stream: 'var',
  branch: 'var',
  streamGrad: 'var',
  branchWeightGrad: 'var',
  correlation: 'mean',
};

const MARK = { underflow: '↓', overflow: '↑', nonfinite: '?' } as const;

function cell(value: number, flagKinds: (keyof typeof MARK)[]): string {
  const text = value === 0 ? '0' : value.toExponential(3);
  return flagKinds.length ? `${text}${flagKinds.map((k) => MARK[k]).join('')}` : text;
}

/** The quantities a result holds, in the order they are printed. */
export function tableQuantities(result: RunResult): Quantity[] {
  const first = result.series[0].layers[0];
  return QUANTITIES.filter((q) => first[q] !== undefined);
}

export function varianceTable(result: RunResult, quantity: Quantity): string {
  const labels = result.series.map((s) => s.label);
  const rows = result.series[0].layers.map((_, i) => [
    String(i + 1),
    ...result.series.map((s) => {
      const layer = s.layers[i];
      return cell(
        layer[quantity]![SHOWN[quantity]],
        layer.flags.filter((f) => f.quantity === quantity).map((f) => f.kind),
      );
    }),
  ]);
  const header = ['layer', ...labels];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((text, c) => text.padStart(widths[c])).join('  ');
  return [TITLES[quantity], line(header), ...rows.map(line)].join('\n');
}

/** Explains the marks used in the table, only when some appear. */
export function flagLegend(result: RunResult): string {
  const flags = result.series.flatMap((s) => s.layers.flatMap((l) => l.flags));
  if (!flags.length) return '';
  const precisions = [...new Set(flags.map((f) => f.precision))].join('/');
  return `Marked values could not be held in ${precisions}: ↓ underflow, ↑ overflow, ? NaN. They are not measurements.`;
}

/** The Jacobian's singular values of each series: how many, their mean square, spread and extremes. */
export function spectrumTable(result: RunResult): string {
  const header = ['series', 'values', 'mean s²', 'p5', 'p95', 'p95/p5', 'min', 'max'];
  const number = (x: number) => (x === 0 ? '0' : x.toExponential(3));
  const rows = result.series.flatMap((s) => {
    const j = s.jacobian;
    if (!j) return [];
    const spread = j.p5 > 0 ? number(j.p95 / j.p5) : '∞';
    return [
      [
        s.label,
        String(j.singularValues.length),
        number(j.meanSquare),
        number(j.p5),
        number(j.p95),
        spread,
        number(j.min),
        number(j.max),
      ],
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((text, c) => text.padStart(widths[c])).join('  ');
  const row = result.series.find((s) => s.jacobian)?.jacobian?.row ?? 0;
  return [`Singular values of J = ∂H_L/∂X at row ${row} of each trial`, line(header), ...rows.map(line)].join('\n');
}
