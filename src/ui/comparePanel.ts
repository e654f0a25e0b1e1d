/**
 * The GPU-vs-CPU panel: the same config on both engines, per-layer statistics side by side, their relative
 * differences, the tolerance verdicts (src/lab/compare.ts) and each engine's time. For large batches the CPU computes
 * a sample of rows and both engines are compared on those rows, by the plan the terminal uses too (verification.ts).
 */
import { type Comparison, compareRuns, type LayerComparison } from '../lab/compare';
import { QUANTITY_SYMBOLS, type RunResult } from '../lab/results';
import { verificationPlan } from '../lab/verification';
import { el, tableRegion } from './dom';
import { formatMs, formatNumber } from './format';
import { registerResult } from './testHooks';

const relative = (x: number) => (x === 0 ? '0' : x.toExponential(1));

/** The layer's figures an engine could not hold, with who flagged them. */
function notComparableText(l: LayerComparison): string {
  if (!l.notComparable.length) return '';
  const parts = l.notComparable.map((n) => {
    const who = [n.candidateFlags.length ? 'GPU' : '', n.referenceFlags.length ? 'CPU' : '']
      .filter(Boolean)
      .join(' and ');
    return `${QUANTITY_SYMBOLS[n.quantity]} (${who} flagged)`;
  });
  return `; not comparable: ${parts.join(', ')}`;
}

export function drawComparison(host: HTMLElement, gpu: RunResult, cpu: RunResult): Comparison {
  const plan = verificationPlan(gpu.config);
  const comparison = compareRuns(cpu, gpu, {}, plan.compare);
  const verdict = el('p', {
    testid: 'compare-verdict',
    className: comparison.pass ? 'verdict-pass' : 'verdict-fail',
    text: !comparison.pass
      ? `Disagree beyond tolerance: worst ${comparison.worst ? `${comparison.worst.label}, layer ${comparison.worst.layer}, ${comparison.worst.figure}: ${formatNumber(comparison.worst.difference, 3)}` : ''}.`
      : comparison.complete
        ? `Agree: every statistic within ${comparison.tolerances.statistic} relative difference.`
        : `Agree where both hold: every figure both engines hold is within ${comparison.tolerances.statistic}; the figures marked "not comparable" are ones an engine could not hold in its arithmetic.`,
  });
  const scope = plan.sampled
    ? `The batch is large: the CPU computed ${plan.captureRows.length} sampled rows (${plan.captureRows.join(', ')}), and both engines' statistics are taken over those rows.`
    : `Both engines computed the whole batch; activations compared on row${plan.captureRows.length > 1 ? 's' : ''} ${plan.captureRows.join(', ')}.`;
  const times = `GPU ${gpu.device ? `(${gpu.device}) ` : ''}${formatMs(gpu.timings.totalMs)} · CPU ${formatMs(cpu.timings.totalMs)}${plan.sampled ? ' (sampled rows)' : ''}`;
  const pairs = comparison.layers.some((l) => l.correlation !== undefined);
  const header = [
    'series',
    'layer',
    'GPU Var(Z)',
    'CPU Var(Z)',
    'rel. diff Var(Z)',
    'rel. diff Var(H)',
    'rel. diff E[Z²]',
    'activations',
    ...(pairs ? ['|Δ| mean cosine of the pairs'] : []),
    'verdict',
  ];
  const rows = comparison.layers.map((l) => {
    const g = gpu.series[l.series].layers[l.layer - 1];
    const c = cpu.series[l.series].layers[l.layer - 1];
    const cells = [
      l.label,
      String(l.layer),
      formatNumber(g.pre.var),
      formatNumber(c.pre.var),
      relative(l.pre.var),
      relative(l.post.var),
      relative(l.pre.meanSq),
      l.activation === null ? '—' : relative(l.activation),
      ...(pairs ? [l.correlation === undefined ? '—' : relative(l.correlation)] : []),
      `${l.pass ? 'pass' : 'fail'}${notComparableText(l)}`,
    ];
    return el(
      'tr',
      { className: l.pass ? '' : 'flagged' },
      cells.map((text, i) => el(i < 2 ? 'th' : 'td', { text })),
    );
  });
  host.replaceChildren(
    el('h3', { text: 'GPU vs CPU on this experiment' }),
    verdict,
    el('p', { className: 'figure-meta', text: `${scope} ${times}.` }),
    tableRegion('GPU and CPU statistics, layer by layer', [
      el('table', { className: 'layer-table', testid: 'compare-table' }, [
        el('thead', {}, [
          el(
            'tr',
            {},
            header.map((h) => el('th', { text: h })),
          ),
        ]),
        el('tbody', {}, rows),
      ]),
    ]),
  );
  registerResult('compare', {
    pass: comparison.pass,
    verdict: comparison.verdict,
    worst: comparison.worst,
    statisticsFrom: comparison.statisticsFrom,
    verification: { rows: plan.captureRows, sampled: plan.sampled },
  });
  return comparison;
}

export function drawCompareInvitation(host: HTMLElement, gpuAvailable: boolean, onCompare: () => void): void {
  if (!gpuAvailable) {
    host.replaceChildren(
      el('p', {
        className: 'figure-meta',
        text: 'The GPU-vs-CPU check needs WebGPU; see the note at the top of the page.',
      }),
    );
    return;
  }
  const button = el('button', { text: 'Compare GPU and CPU', testid: 'compare-button', attrs: { type: 'button' } });
  button.addEventListener('click', onCompare);
  host.replaceChildren(
    el('h3', { text: 'GPU vs CPU' }),
    el('p', {
      className: 'figure-meta',
      text: 'Run this experiment on both engines and compare them layer by layer (engine "both").',
    }),
    button,
  );
}
