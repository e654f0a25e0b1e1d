/**
 * One live experiment on the page: a chart per quantity (Var(Z) and Var(H) by default) with theory dashed, a key that
 * says what the lines and the band are, a table under each chart, the engine that produced it, and its exports.
 */

import { runTheory } from '../lab/gridTheory';
import { type Quantity, type RunResult, resultCsv, resultJson } from '../lab/results';
import type { TheorySeries } from '../lab/theory';
import { download, downloadText, el, tableRegion } from './dom';
import { renderLayerTable } from './layerTable';
import { registerResult } from './testHooks';
import { chartKey, VarianceChart } from './varianceChart';

export class ExperimentFigure {
  private readonly charts: VarianceChart[] = [];
  private readonly tables: HTMLElement[] = [];
  private readonly meta = el('p', { className: 'figure-meta' });
  private readonly key: HTMLElement;
  private result: RunResult | null = null;

  constructor(
    readonly id: string,
    host: HTMLElement,
    titles: Partial<Record<Quantity, string>>,
  ) {
    this.key = el('p', { className: 'chart-key', testid: `chart-key-${id}` });
    const grid = el('div', { className: 'figure-grid' });
    for (const quantity of Object.keys(titles) as Quantity[]) {
      const tableId = `numbers-${id}-${quantity}`;
      // The chart's text alternative is its table: a screen reader hears the chart's title, then the numbers.
      const chartHost = el('div', { attrs: { 'aria-describedby': tableId } });
      const chart = new VarianceChart(`${id}-${quantity}`, chartHost, quantity, titles[quantity]!);
      const table = tableRegion(`${titles[quantity]}: the numbers`, [], tableId);
      const png = el('button', {
        text: 'PNG',
        testid: `export-png-${id}-${quantity}`,
        attrs: { type: 'button', title: 'Save this chart as a PNG image' },
      });
      png.addEventListener('click', () => download(`initlab-${id}-${quantity}.png`, chart.png()));
      grid.append(el('div', { className: 'figure-cell' }, [chartHost, png, table]));
      this.charts.push(chart);
      this.tables.push(table);
    }
    const csv = el('button', { text: 'CSV', testid: `export-csv-${id}`, attrs: { type: 'button' } });
    const json = el('button', {
      text: 'JSON',
      testid: `export-json-${id}`,
      attrs: { type: 'button', title: 'The same JSON the command-line sweep writes' },
    });
    csv.addEventListener(
      'click',
      () => this.result && downloadText(`initlab-${id}.csv`, resultCsv(this.result), 'text/csv'),
    );
    json.addEventListener(
      'click',
      () =>
        this.result &&
        downloadText(`initlab-${id}.json`, JSON.stringify(resultJson(this.result), null, 2), 'application/json'),
    );
    host.replaceChildren(
      grid,
      this.key,
      el('div', { className: 'figure-actions' }, [this.meta, el('span', { text: 'Results: ' }), csv, json]),
    );
  }

  /**
   * `substitution`: why another engine than the chosen one produced this result, said beside the engine's name;
   * `theory`: each series' prediction, where the series are not all of `result.config` (a joined result).
   */
  show(result: RunResult, substitution = '', theory: TheorySeries[] = runTheory(result.config)): void {
    this.result = result;
    this.key.textContent = chartKey(result.config.trials);
    this.key.hidden = result.config.trials === 1;
    this.charts.forEach((chart) => {
      chart.show(result, theory);
    });
    this.tables.forEach((table, i) => {
      renderLayerTable(table, `${this.id}-${this.charts[i].quantity}`, result, this.charts[i].quantity, theory);
    });
    const device = result.device ? ` (${result.device})` : '';
    const unavailable = theory
      .filter((t) => t.unavailable)
      .map((t) => ` No theory for ${t.label}: ${t.unavailable}.`)
      .join('');
    this.meta.textContent = `${result.engine.toUpperCase()} engine${device}, ${result.timings.totalMs.toFixed(0)} ms.${substitution ? ` ${substitution}` : ''}${unavailable}`;
    this.meta.classList.toggle('substituted', substitution !== '');
    registerResult(this.id, resultJson(result));
  }

  /** Redraw in the current theme. */
  restyle(): void {
    this.charts.forEach((chart) => {
      chart.render();
    });
  }
}
