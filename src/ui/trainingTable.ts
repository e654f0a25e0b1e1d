/**
 * The training section's tables: one row per series with its outcome, the steps it took to reach the target and its
 * last entry's losses and accuracies (with a lecture summary of the outcome and test accuracy alone), and per layer
 * of one series its variance profile at the start and now — the numbers behind the heat maps and the update-ratio
 * chart. A flagged figure is said to be flagged, never given as a number.
 */
import type { TrainLayerRecord, TrainSeries, TrainSnapshot } from '../lab/training';
import { el, tableHead } from './dom';
import { formatNumber } from './format';
import { outcomeText } from './trainingSentences';

const percent = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)} %`);
const number = (v: number | null | undefined) => (v === null || v === undefined ? '—' : formatNumber(v));

/** A captioned table: a header row, then rows whose first cell heads the row. */
export function table(className: string, testid: string, caption: string, head: string[], rows: string[][]) {
  return el('table', { className: `layer-table ${className}`, testid }, [
    el('caption', { text: caption }),
    tableHead(head),
    el(
      'tbody',
      {},
      rows.map(([label, ...cells]) =>
        el('tr', {}, [el('th', { text: label, attrs: { scope: 'row' } }), ...cells.map((text) => el('td', { text }))]),
      ),
    ),
  ]);
}

/** The outcome table, and the same rows reduced to fit a lecture slide. */
export function outcomeTables(snapshot: TrainSnapshot): HTMLTableElement[] {
  const caption = `Every series after ${snapshot.step} steps: its last finite evaluation`;
  const rows = snapshot.series.map((s) => {
    const last = s.history.at(-1);
    return [
      s.label,
      outcomeText(s.outcome),
      s.outcome.status === 'trained' ? String(s.outcome.step) : '—',
      number(last?.trainLoss),
      number(last?.testLoss),
      percent(last?.trainAccuracy),
      percent(last?.testAccuracy),
    ];
  });
  const head = ['series', 'outcome', 'steps to target', 'train loss', 'test loss', 'train acc.', 'test acc.'];
  return [
    table('lecture-hidden', 'training-outcomes', caption, head, rows),
    table(
      'lecture-only',
      'training-outcomes-summary',
      caption,
      ['series', 'outcome', 'test acc.'],
      rows.map((r) => [r[0], r[1], r[6]]),
    ),
  ];
}

function figure(layer: TrainLayerRecord | undefined, quantity: 'pre' | 'weightGrad'): string {
  if (!layer) return '—';
  const flags = layer.flags.filter((f) => f.quantity === quantity);
  if (flags.length) return `flagged: ${flags.map((f) => `${f.kind} in ${f.precision}`).join(', ')}`;
  return formatNumber(quantity === 'pre' ? layer.pre.meanSq : layer.weightGrad.meanSq);
}

/** Per layer of one series: E[Z²] and E[(∂L/∂W)²] at step 0 and at the last entry, and the last update ratio. */
export function profileTable(series: TrainSeries): HTMLTableElement {
  const first = series.history[0];
  const last = series.history.at(-1);
  const step = last?.step ?? 0;
  const head = [
    'layer',
    'E[Z²], step 0',
    `E[Z²], step ${step}`,
    'E[(∂L/∂W)²], step 0',
    `E[(∂L/∂W)²], step ${step}`,
    `‖ΔW‖/‖W‖, step ${step}`,
  ];
  const layers = first?.layers.length ?? 0;
  const rows = Array.from({ length: layers }, (_, l) => [
    l === layers - 1 ? `${l + 1} (readout)` : String(l + 1),
    figure(first?.layers[l], 'pre'),
    figure(last?.layers[l], 'pre'),
    figure(first?.layers[l], 'weightGrad'),
    figure(last?.layers[l], 'weightGrad'),
    number(last?.layers[l].updateRatio),
  ]);
  return table('', 'training-profile', `${series.label}: the variance profile at the start and now`, head, rows);
}
