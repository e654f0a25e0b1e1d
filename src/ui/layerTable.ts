/**
 * The numbers behind a chart: one row per layer, one column per series; flagged values say so in words. Under each
 * measurement, "×r" is measured ÷ predicted (theory.ts), so how far the network sits from theory reads at a glance.
 */
import type { RunResult } from '../lab/results';
import type { TheorySeries } from '../lab/theory';
import { el } from './dom';
import { flagText, formatNumber } from './format';
import { type ChartQuantity, measured, predicted, quantityInfo } from './quantities';

/** A ratio means something only between two positive, finite figures. */
const comparable = (x: number) => Number.isFinite(x) && x > 0;

export function renderLayerTable(
  host: HTMLElement,
  id: string,
  result: RunResult,
  quantity: ChartQuantity,
  theory: TheorySeries[],
): void {
  const symbol = quantityInfo[quantity].symbol;
  const head = el('tr', {}, [el('th', { text: 'layer' }), ...result.series.map((s) => el('th', { text: s.label }))]);
  const rows = result.series[0].layers.map((_, i) =>
    el('tr', {}, [
      el('th', { text: String(i + 1) }),
      ...result.series.map((s, k) => {
        const summary = s.layers[i][quantity]!;
        const v = measured(summary, quantity);
        const flags = flagText(s.layers[i].flags, quantity);
        const spread =
          result.config.trials > 1
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
        const expected = theoryLayer ? predicted(theoryLayer, quantity) : NaN;
        if (comparable(v) && comparable(expected)) {
          const ratio = v / expected;
          cell.append(
            el('span', {
              className: 'ratio',
              text: `×${ratio.toPrecision(2)}`,
              attrs: { 'data-ratio': String(ratio), title: `measured ÷ theory (${formatNumber(expected)})` },
            }),
          );
        }
        if (spread) cell.append(spread);
        return cell;
      }),
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
    el('table', { className: 'layer-table', testid: `table-${id}` }, [
      caption,
      el('thead', {}, [head]),
      el('tbody', {}, rows),
    ]),
  );
}
