/** The numbers behind a chart: one row per layer, one column per series; flagged values say so in words. */
import type { Quantity, RunResult } from '../lab/results';
import { el } from './dom';
import { flagText, formatNumber } from './format';

export function renderLayerTable(host: HTMLElement, id: string, result: RunResult, quantity: Quantity): void {
  const symbol = quantity === 'pre' ? 'Var(Z)' : 'Var(H)';
  const head = el('tr', {}, [el('th', { text: 'layer' }), ...result.series.map((s) => el('th', { text: s.label }))]);
  const rows = result.series[0].layers.map((_, i) =>
    el('tr', {}, [
      el('th', { text: String(i + 1) }),
      ...result.series.map((s) => {
        const layer = s.layers[i];
        const v = layer[quantity].var;
        const flags = flagText(layer.flags, quantity);
        const range = result.config.trials > 1 ? ` [${formatNumber(layer[quantity].min.var, 2)}, ${formatNumber(layer[quantity].max.var, 2)}]` : '';
        const cell = el('td', { attrs: { 'data-value': String(v) } });
        if (flags) {
          // A flagged figure is not a measurement: a finite one is shown with its warning, a 0 or ∞ only as the warning.
          const shown = Number.isFinite(v) && v > 0 ? `${formatNumber(v)}${range} ` : '';
          cell.classList.add('flagged');
          cell.textContent = `${shown}⚠ ${flags}`;
        } else {
          cell.textContent = formatNumber(v) + range;
        }
        return cell;
      }),
    ]),
  );
  const caption = el('caption', { text: `${symbol} per layer${result.config.trials > 1 ? ' (mean over trials [min, max])' : ''}` });
  host.replaceChildren(el('table', { className: 'layer-table', testid: `table-${id}` }, [caption, el('thead', {}, [head]), el('tbody', {}, rows)]));
}
