/**
 * The numbers behind a chart: one row per layer, one column per series; flagged values say so in words. Under each
 * measurement, "×r" is measured ÷ predicted (theory.ts), so how far the network sits from theory reads at a glance.
 * Lecture mode shows a summary instead, the first and the last layer of each series, set as large as the prose.
 */
import type { Quantity, RunResult } from '../lab/results';
import type { TheorySeries } from '../lab/theory';
import { el } from './dom';
import { flagText, formatNumber } from './format';
import { measured, predicted, quantityInfo } from './quantities';

/** A ratio means something only between two positive, finite figures. */
const comparable = (x: number) => Number.isFinite(x) && x > 0;

/** Series `k`'s figure at layer index `i`; `withRange` adds the trials' [min, max]. */
function valueCell(
  result: RunResult,
  k: number,
  i: number,
  quantity: Quantity,
  theory: TheorySeries[],
  withRange: boolean,
): HTMLTableCellElement {
  const layer = result.series[k].layers[i];
  const summary = layer[quantity]!;
  const v = measured(summary, quantity);
  const flags = flagText(layer.flags, quantity);
  const spread =
    withRange && result.config.trials > 1
      ? el('span', {
          className: 'spread',
          text: `median ${formatNumber(measured(summary.median, quantity), 2)} [${formatNumber(measured(summary.p10, quantity), 2)}, ${formatNumber(measured(summary.p90, quantity), 2)}]`,
          attrs: { 'data-median': String(measured(summary.median, quantity)) },
        })
      : null;
  const cell = el('td', { attrs: { 'data-value': String(v) } });
  if (flags) {
    // A flagged figure is not a measurement: a finite one is shown with its warning, a 0 or ∞ only as the warning.
    const shown = comparable(v) ? `${formatNumber(v)} ` : '';
    cell.classList.add('flagged');
    cell.textContent = `${shown}⚠ ${flags}`;
    if (shown && spread) cell.append(spread);
    return cell;
  }
  cell.textContent = formatNumber(v);
  const theoryLayer = theory[k]?.layers[i];
  cell.append(...ratioNote(v, theoryLayer ? predicted(theoryLayer, quantity) : NaN));
  if (spread) cell.append(spread);
  return cell;
}

/** "×r", measured ÷ theory, to set under a measurement; nothing where the ratio would mean nothing. */
export function ratioNote(value: number, expected: number): HTMLElement[] {
  if (!comparable(value) || !comparable(expected)) return [];
  const ratio = value / expected;
  return [
    el('span', {
      className: 'ratio',
      text: `×${ratio.toPrecision(2)}`,
      attrs: { 'data-ratio': String(ratio), title: `measured ÷ theory (${formatNumber(expected)})` },
    }),
  ];
}

export function renderLayerTable(
  host: HTMLElement,
  id: string,
  result: RunResult,
  quantity: Quantity,
  theory: TheorySeries[],
): void {
  const symbol = quantityInfo[quantity].symbol;
  const head = el('tr', {}, [el('th', { text: 'layer' }), ...result.series.map((s) => el('th', { text: s.label }))]);
  // A grid's series (grid.ts) may differ in depth: a row per layer of the deepest, empty where a series has none.
  const layers = Math.max(...result.series.map((s) => s.layers.length));
  const rows = Array.from({ length: layers }, (_, i) =>
    el('tr', {}, [
      el('th', { text: String(i + 1) }),
      ...result.series.map((s, k) =>
        i < s.layers.length ? valueCell(result, k, i, quantity, theory, true) : el('td', { text: '—' }),
      ),
    ]),
  );
  const trials = result.config.trials;
  const caption = el('caption', {
    text:
      trials > 1
        ? `${symbol} per layer: the mean of ${trials} networks, ×r its ratio to theory, then their median and [10 %, 90 %] quantiles`
        : `${symbol} per layer; ×r under a value: measured ÷ theory`,
  });
  host.replaceChildren(
    el('table', { className: 'layer-table lecture-hidden', testid: `table-${id}` }, [
      caption,
      el('thead', {}, [head]),
      el('tbody', {}, rows),
    ]),
    lectureSummary(id, result, quantity, theory),
  );
}

/**
 * One row per series: its figure at the first and at its last layer, where a vanishing or an explosion shows (a grid's
 * series may differ in depth: each its own last).
 */
function lectureSummary(id: string, result: RunResult, quantity: Quantity, theory: TheorySeries[]): HTMLElement {
  const deepest = Math.max(...result.series.map((s) => s.layers.length));
  const sameDepth = result.series.every((s) => s.layers.length === deepest);
  const head = el('tr', {}, [
    el('th', { text: 'series' }),
    el('th', { text: 'layer 1' }),
    ...(deepest > 1 ? [el('th', { text: sameDepth ? `layer ${deepest}` : 'last layer' })] : []),
  ]);
  const rows = result.series.map((s, k) => {
    const shown = s.layers.length > 1 ? [0, s.layers.length - 1] : [0];
    return el('tr', {}, [
      el('th', { text: s.label }),
      ...shown.map((i) => valueCell(result, k, i, quantity, theory, false)),
    ]);
  });
  return el('table', { className: 'layer-table lecture-only', testid: `summary-${id}` }, [
    el('caption', { text: `${quantityInfo[quantity].symbol}, first and last layer; ×r: measured ÷ theory` }),
    el('thead', {}, [head]),
    el('tbody', {}, rows),
  ]);
}
