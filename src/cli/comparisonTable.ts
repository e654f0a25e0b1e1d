/**
 * How `--engine both` prints a comparison: the worst relative difference per layer and series, the figures that are
 * not comparable (a run could not hold them) with both engines' values, then the verdict.
 */
import { type Comparison, type LayerComparison, type NotComparable, STATISTICS } from '../lab/compare';
import { QUANTITY_SYMBOLS } from '../lab/results';

function worstOf(l: LayerComparison): number {
  const held = (['pre', 'post', 'grad', 'weightGrad'] as const).filter(
    (q) => l[q] && !l.notComparable.some((n) => n.quantity === q),
  );
  const figures = [...held.flatMap((q) => STATISTICS.map((k) => l[q]![k])), l.activation ?? 0, l.correlation ?? 0];
  return figures.some(Number.isNaN) ? NaN : Math.max(...figures);
}

export function comparisonTable(comparison: Comparison): string {
  const labels = [...new Set(comparison.layers.map((l) => l.label))];
  const depth = Math.max(...comparison.layers.map((l) => l.layer));
  const rows = Array.from({ length: depth }, (_, i) => [
    String(i + 1),
    ...labels.map((label) => {
      const l = comparison.layers.find((c) => c.label === label && c.layer === i + 1)!;
      return `${worstOf(l).toExponential(1)}${l.pass ? '' : ' ✗'}${l.notComparable.length ? ' n/c' : ''}`;
    }),
  ]);
  const header = ['layer', ...labels];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((text, c) => text.padStart(widths[c])).join('  ');
  const scope = comparison.statisticsFrom === 'captured' ? 'on the rows the CPU recomputed' : 'on every row';
  const title = `GPU − CPU: worst relative difference per layer (statistics and captured activations, ${scope}; a pairs input's mean cosine as an absolute difference; n/c: some figure not comparable)`;
  return [title, line(header), ...rows.map(line)].join('\n');
}

const flagWords = (engine: string, n: NotComparable['referenceFlags']) =>
  n.map((f) => `${engine} ${f.precision} ${f.kind}`).join(', ');
const meanSq = (x: number | null) => (x === null ? 'missing' : x.toExponential(3));

/** One line per figure that is not comparable, with who flagged it and both engines' E[x²]; '' when none. */
export function notComparableList(comparison: Comparison): string {
  const lines = comparison.layers.flatMap((l) =>
    l.notComparable.map((n) => {
      const flagged = [flagWords('GPU', n.candidateFlags), flagWords('CPU', n.referenceFlags)]
        .filter(Boolean)
        .join('; ');
      const values = `E[x²]: GPU ${meanSq(n.candidateMeanSq)}, CPU ${meanSq(n.referenceMeanSq)}`;
      return `  ${l.label}, layer ${l.layer}, ${QUANTITY_SYMBOLS[n.quantity]}: ${flagged} (${values})`;
    }),
  );
  if (!lines.length) return '';
  return ['Not comparable — an engine could not hold these figures, so they are not measurements:', ...lines].join(
    '\n',
  );
}

export function verdict(comparison: Comparison): string {
  const { statistic, activation } = comparison.tolerances;
  const w = comparison.worst;
  const worst = w
    ? `worst ${w.difference.toExponential(2)} at ${w.label}, layer ${w.layer}, ${w.figure}`
    : 'nothing compared';
  const failed = comparison.layers.filter((l) => !l.pass).length;
  const excluded = comparison.layers.reduce((n, l) => n + l.notComparable.length, 0);
  switch (comparison.verdict) {
    case 'agree':
      return `AGREE: every layer within ${statistic} (statistics) and ${activation} (activations, relative to the layer's RMS); ${worst}.`;
    case 'agree-where-held':
      return `AGREE WHERE BOTH HOLD: every figure both engines hold is within ${statistic} / ${activation}; ${excluded} figures not comparable (listed above); ${worst}.`;
    case 'disagree':
      return `DISAGREE: ${failed} of ${comparison.layers.length} layers outside ${statistic} / ${activation}; ${worst}.`;
  }
}

/** The exit code of `--engine both`: 0 agree, 1 disagree, 3 agree where both hold. */
export const VERDICT_EXIT_CODES = { agree: 0, disagree: 1, 'agree-where-held': 3 } as const;
