/**
 * Correlation propagation: a pair's cosine c_l layer by layer for each series (the mean over its networks, solid) with
 * the mean-field c-map's c_l dashed beside it (theory.ts), a table of the numbers, and for each series the sentence of
 * its q*, χ₁, c* and ξ_c (meanField.ts), so the reader sees order draw pairs together and chaos pull them apart.
 */
import uPlot from 'uplot';
import { bindActivation } from '../lab/activations';
import { biasVariance } from '../lab/bias';
import { type RunResult, resultJson } from '../lab/results';
import { theoryCurves } from '../lab/theory';
import { el, tableRegion } from './dom';
import { formatNumber } from './format';
import { setLive } from './liveText';
import { colorOf, cssVar } from './palette';
import { correlationSentence } from './signalSentences';
import { registerChart, registerResult } from './testHooks';

export class CorrelationFigure {
  private readonly chartHost = el('div', { attrs: { 'aria-describedby': 'numbers-correlations' } });
  private readonly table = tableRegion('Correlation per layer: the numbers', [], 'numbers-correlations');
  private readonly meta = el('p', { className: 'figure-meta' });
  private plot: uPlot | null = null;
  private result: RunResult | null = null;

  constructor(host: HTMLElement) {
    this.chartHost.dataset.testid = 'chart-correlations';
    this.chartHost.classList.add('chart');
    this.chartHost.setAttribute('role', 'img');
    this.chartHost.setAttribute('aria-label', 'Chart: correlation of a pair per layer, not drawn yet');
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(this.chartHost);
    host.replaceChildren(
      el('div', { className: 'figure-grid' }, [el('div', {}, [this.chartHost, this.table])]),
      this.meta,
    );
  }

  show(result: RunResult, substitution = ''): void {
    this.result = result;
    this.render();
    const { config } = result;
    const phi = bindActivation(config.activation, config);
    const sigmaB = Math.sqrt(biasVariance(config.bias));
    setLive('correlation-series', result.series.map((s) => correlationSentence(phi, s.init.gain!, sigmaB)).join(' '));
    this.meta.textContent = `${result.engine.toUpperCase()} engine${result.device ? ` (${result.device})` : ''}, ${result.timings.totalMs.toFixed(0)} ms.${substitution ? ` ${substitution}` : ''}`;
    registerResult('correlations', resultJson(result));
  }

  restyle(): void {
    this.render();
  }

  private render(): void {
    const result = this.result;
    if (!result) return;
    const theory = theoryCurves(result.config);
    const x = result.series[0].layers.map((l) => l.layer);
    const measured = result.series.map((s) => s.layers.map((l) => l.correlation!.mean));
    const predicted = theory.map((t) => t.layers.map((l) => l.correlation!.mean));
    const lowest = Math.min(0, ...measured.flat(), ...predicted.flat());
    const text = cssVar('--fg') || '#222';
    const grid = cssVar('--grid') || '#ddd';
    const axis = (label: string): uPlot.Axis => ({ label, stroke: text, grid: { stroke: grid, width: 1 } });
    const title = 'Correlation of a pair, c_l = cos(Z_a, Z_b) · dashed: mean field';
    this.chartHost.setAttribute('aria-label', `Chart: ${title}`);
    this.plot?.destroy();
    this.plot = new uPlot(
      {
        title,
        ...this.size(),
        scales: { x: { time: false }, y: { range: [lowest - 0.05, 1.05] } },
        axes: [axis('layer'), { ...axis('c_l'), size: 50 }],
        series: [
          { label: 'layer' },
          ...result.series.map((s, i) => ({ label: s.label, stroke: colorOf(i), width: 2, points: { show: true } })),
          ...result.series.map((s, i) => ({
            label: `${s.label} theory`,
            class: 'theory-line',
            stroke: colorOf(i),
            width: 1.5,
            dash: [6, 4],
            points: { show: false },
          })),
        ],
      },
      [x, ...measured, ...predicted] as uPlot.AlignedData,
      this.chartHost,
    );
    registerChart('correlations', {
      title,
      quantity: 'correlation',
      labels: result.series.map((s) => s.label),
      data: [x, ...measured],
      theory: predicted,
      marks: [],
    });
    this.renderTable(result, measured, predicted);
  }

  private renderTable(result: RunResult, measured: number[][], predicted: number[][]): void {
    const head = (cells: string[]) =>
      el('thead', {}, [
        el(
          'tr',
          {},
          cells.map((h) => el('th', { text: h })),
        ),
      ]);
    const cell = (s: number, l: number) =>
      el('td', { className: 'measured', text: formatNumber(measured[s][l], 3) }, [
        el('span', { className: 'ratio', text: `theory ${formatNumber(predicted[s][l], 3)}` }),
      ]);
    const labels = result.series.map((s) => s.label);
    const rows = measured[0].map((_, l) =>
      el('tr', {}, [el('th', { text: String(l + 1) }), ...labels.map((_, s) => cell(s, l))]),
    );
    const last = measured[0].length - 1;
    this.table.replaceChildren(
      el('table', { className: 'layer-table lecture-hidden', testid: 'correlation-table' }, [
        el('caption', { text: 'c_l measured (mean over the networks), the mean field under it' }),
        head(['layer', ...labels]),
        el('tbody', {}, rows),
      ]),
      el('table', { className: 'layer-table lecture-only', testid: 'correlation-summary' }, [
        el('caption', { text: `c at layer ${last + 1}, measured; the mean field under it` }),
        head(labels),
        el('tbody', {}, [
          el(
            'tr',
            {},
            labels.map((_, s) => cell(s, last)),
          ),
        ]),
      ]),
    );
  }

  private size() {
    const width = Math.max(280, this.chartHost.clientWidth || 600);
    return { width, height: Math.round(Math.min(360, Math.max(220, width * 0.55))) };
  }
}
