/** The per-layer tables the terminal prints: one row per layer, one column per series, one table per quantity. */
import { QUANTITIES, type Quantity, type RunResult } from '../lab/results';

const TITLES: Record<Quantity, string> = {
  pre: 'Var(Z) — pre-activation',
  post: 'Var(H) — post-activation',
  grad: 'Var(∂L/∂Z) — gradient at the pre-activation',
  weightGrad: 'Var(∂L/∂W) — weight gradient',
  stream: 'Var(x) — the residual stream, each block’s output',
  branch: 'Var(α·F(x)) — each block’s branch',
  streamGrad: 'Var(∂L/∂x) — gradient at the stream',
  branchWeightGrad: 'Var(∂L/∂W₂) — the branch’s last weight gradient',
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
        layer[quantity]!.var,
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
