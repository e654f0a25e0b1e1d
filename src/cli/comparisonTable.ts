/** How `--engine both` prints a comparison: the worst relative difference per layer and series, then the verdict. */
import { type Comparison, type LayerComparison, STATISTICS } from '../lab/compare';

function worstOf(l: LayerComparison): number {
  const compared = [l.pre, l.post, ...(l.grad ? [l.grad] : []), ...(l.weightGrad ? [l.weightGrad] : [])];
  const figures = [...compared.flatMap((q) => STATISTICS.map((k) => q[k])), l.activation ?? 0];
  return figures.some(Number.isNaN) ? NaN : Math.max(...figures);
}

export function comparisonTable(comparison: Comparison): string {
  const labels = [...new Set(comparison.layers.map((l) => l.label))];
  const depth = Math.max(...comparison.layers.map((l) => l.layer));
  const rows = Array.from({ length: depth }, (_, i) => [
    String(i + 1),
    ...labels.map((label) => {
      const l = comparison.layers.find((c) => c.label === label && c.layer === i + 1)!;
      return `${worstOf(l).toExponential(1)}${l.pass ? '' : ' ✗'}${l.candidateOnlyFlags.length ? ' flagged' : ''}`;
    }),
  ]);
  const header = ['layer', ...labels];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((text, c) => text.padStart(widths[c])).join('  ');
  const scope = comparison.statisticsFrom === 'captured' ? 'on the rows the CPU recomputed' : 'on every row';
  return [
    `GPU − CPU: worst relative difference per layer (statistics and captured activations, ${scope})`,
    line(header),
    ...rows.map(line),
  ].join('\n');
}

export function verdict(comparison: Comparison): string {
  const { statistic, activation } = comparison.tolerances;
  const w = comparison.worst;
  const worst = w
    ? `worst ${w.difference.toExponential(2)} at ${w.label}, layer ${w.layer}, ${w.figure}`
    : 'nothing compared';
  const failed = comparison.layers.filter((l) => !l.pass).length;
  return comparison.pass
    ? `AGREE: every layer within ${statistic} (statistics) and ${activation} (activations, relative to the layer's RMS); ${worst}.`
    : `DISAGREE: ${failed} of ${comparison.layers.length} layers outside ${statistic} / ${activation}; ${worst}.`;
}
