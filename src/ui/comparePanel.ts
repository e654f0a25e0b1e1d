/**
 * The GPU-vs-CPU panel: the same config on both engines, per-layer statistics side by side, their relative
 * differences, the tolerance verdicts (src/lab/compare.ts) and each engine's time. For large batches the CPU computes
 * a sample of rows and both engines are compared on those rows.
 */

import { type Comparison, compareRuns } from '../lab/compare';
import { batchRows, type ExperimentConfig, forwardWork } from '../lab/config';
import type { RunResult } from '../lab/results';
import { el, tableRegion } from './dom';
import { formatMs, formatNumber } from './format';
import { registerResult } from './testHooks';

/** Past this many multiply–adds the CPU checks sampled rows instead of the whole batch. */
const CPU_FULL_WORK = 2e7;
const SAMPLE_ROWS = 16;

export interface ComparePlan {
  /** Rows both engines capture; the CPU computes only these when `sampled`. */
  captureRows: number[];
  sampled: boolean;
}

export function comparePlan(config: ExperimentConfig): ComparePlan {
  const rows = batchRows(config);
  const sampled = forwardWork(config) > CPU_FULL_WORK && rows > SAMPLE_ROWS;
  const count = Math.min(rows, sampled ? SAMPLE_ROWS : 4);
  // Evenly spread over the batch, so chunk boundaries on the GPU are exercised too.
  const captureRows = Array.from({ length: count }, (_, i) => Math.floor((i * rows) / count));
  return { captureRows, sampled };
}

const relative = (x: number) => (x === 0 ? '0' : x.toExponential(1));

export function drawComparison(host: HTMLElement, gpu: RunResult, cpu: RunResult, plan: ComparePlan): Comparison {
  const comparison = compareRuns(cpu, gpu, {}, { referenceRows: plan.sampled ? 'captured' : 'all' });
  const verdict = el('p', {
    testid: 'compare-verdict',
    className: comparison.pass ? 'verdict-pass' : 'verdict-fail',
    text: comparison.pass
      ? `Agree: every statistic within ${comparison.tolerances.statistic} relative difference.`
      : `Disagree beyond tolerance: worst ${comparison.worst ? `${comparison.worst.label}, layer ${comparison.worst.layer}, ${comparison.worst.figure}: ${formatNumber(comparison.worst.difference, 3)}` : ''}.`,
  });
  const scope = plan.sampled
    ? `The batch is large: the CPU computed ${plan.captureRows.length} sampled rows (${plan.captureRows.join(', ')}), and both engines' statistics are taken over those rows.`
    : `Both engines computed the whole batch; activations compared on row${plan.captureRows.length > 1 ? 's' : ''} ${plan.captureRows.join(', ')}.`;
  const times = `GPU ${gpu.device ? `(${gpu.device}) ` : ''}${formatMs(gpu.timings.totalMs)} · CPU ${formatMs(cpu.timings.totalMs)}${plan.sampled ? ' (sampled rows)' : ''}`;
  const header = [
    'series',
    'layer',
    'GPU Var(Z)',
    'CPU Var(Z)',
    'rel. diff Var(Z)',
    'rel. diff Var(H)',
    'rel. diff E[Z²]',
    'activations',
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
      l.pass ? 'pass' : `fail${l.candidateOnlyFlags.length ? ' (GPU flagged)' : ''}`,
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
    worst: comparison.worst,
    statisticsFrom: comparison.statisticsFrom,
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
