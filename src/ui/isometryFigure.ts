/**
 * Dynamical isometry on the page: for one activation at its critical gain, the singular values of J = ∂H_L/∂X under
 * Gaussian and under orthogonal weights, as histograms over log10 s (the values of every network drawn), with their
 * mean square, spread and zeros in a table. Three of these, linear, ReLU and tanh, side by side (sections.ts).
 */
import uPlot from 'uplot';
import type { RunResult } from '../lab/results';
import { el, tableRegion } from './dom';
import { formatNumber } from './format';
import { colorOf, cssVar } from './palette';
import { RESOLUTION, resolvedValues, spectrumSentence } from './signalSentences';
import { registerChart, registerResult } from './testHooks';

const BINS = 20;
const three = (x: number) => formatNumber(x, 3);

/** Counts of log10 s in BINS equal bins over [lo, hi], per series, and the bins' left edges. */
function logHistogram(series: number[][], lo: number, hi: number): { edges: number[]; counts: number[][] } {
  const width = (hi - lo) / BINS || 1;
  const edges = Array.from({ length: BINS + 1 }, (_, i) => lo + i * width);
  const counts = series.map((values) => {
    const c = new Array<number>(BINS + 1).fill(0);
    for (const v of values) c[Math.min(BINS - 1, Math.max(0, Math.floor((v - lo) / width)))] += 1;
    // The step's last point closes the last bin.
    c[BINS] = c[BINS - 1];
    return c;
  });
  return { edges, counts };
}

export class IsometryPanel {
  private readonly chartHost = el('div');
  private readonly table: HTMLElement;
  private readonly note = el('p', { className: 'figure-meta' });
  private plot: uPlot | null = null;
  private result: RunResult | null = null;

  constructor(
    private readonly id: string,
    host: HTMLElement,
  ) {
    this.table = tableRegion(`Jacobian spectra, ${id}: the numbers`, [], `numbers-${id}`);
    this.chartHost.dataset.testid = `chart-${id}`;
    this.chartHost.classList.add('chart');
    this.chartHost.setAttribute('role', 'img');
    this.chartHost.setAttribute('aria-describedby', `numbers-${id}`);
    this.chartHost.setAttribute('aria-label', 'Chart: Jacobian singular values, not drawn yet');
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(this.chartHost);
    host.replaceChildren(this.chartHost, this.table, this.note);
  }

  show(result: RunResult, substitution = ''): void {
    this.result = result;
    this.render();
    const engine = result.engine;
    const name = (i: number) => (result.series[i].init.kind === 'orthogonal' ? 'orthogonal' : 'Gaussian');
    const small = (x: number, j: { max: number }) =>
      x < RESOLUTION[engine] * j.max ? `< ${RESOLUTION[engine]}·max` : three(x);
    const rows = result.series.map((s, i) => {
      const j = s.jacobian!;
      const spread = j.p5 >= RESOLUTION[engine] * j.max ? three(j.p95 / j.p5) : '—';
      return {
        name: name(i),
        cells: [three(j.meanSquare), small(j.p5, j), three(j.p95), spread, String(resolvedValues(j, engine).below)],
      };
    });
    const table = (className: string, header: string[], columns: number[], testid?: string) =>
      el('table', { className: `layer-table ${className}`, ...(testid ? { testid } : {}) }, [
        el('caption', {
          text: `${result.config.activation}, gain ${three(result.config.sweep[0].gain!)}, ${result.series[0].jacobian!.singularValues.length} values each`,
        }),
        el('thead', {}, [
          el(
            'tr',
            {},
            ['weights', ...header].map((h) => el('th', { text: h })),
          ),
        ]),
        el(
          'tbody',
          {},
          rows.map((r) =>
            el('tr', {}, [el('th', { text: r.name }), ...columns.map((c) => el('td', { text: r.cells[c] }))]),
          ),
        ),
      ]);
    this.table.replaceChildren(
      table('lecture-only', ['mean s²', 'p95/p5'], [0, 3]),
      table('lecture-hidden', ['mean s²', 'p5', 'p95', 'p95/p5', '≈ 0'], [0, 1, 2, 3, 4], `table-${this.id}`),
    );
    this.note.textContent = `${result.engine.toUpperCase()} engine${result.device ? ` (${result.device})` : ''}, ${result.timings.totalMs.toFixed(0)} ms.${substitution ? ` ${substitution}` : ''}`;
    registerResult(this.id, {
      config: result.config,
      series: result.series.map((s) => ({ label: s.label, jacobian: s.jacobian })),
    });
  }

  restyle(): void {
    this.render();
  }

  private render(): void {
    const result = this.result;
    if (!result) return;
    const logs = result.series.map((s) => resolvedValues(s.jacobian!, result.engine).values.map(Math.log10));
    const all = logs.flat();
    const [lo, hi] = [Math.min(...all) - 0.05, Math.max(...all) + 0.05];
    const { edges, counts } = logHistogram(logs, lo, hi);
    const fg = cssVar('--fg') || '#222';
    const grid = cssVar('--grid') || '#ddd';
    const axis = (label: string): uPlot.Axis => ({
      label,
      stroke: fg,
      grid: { stroke: grid },
      ticks: { stroke: grid },
    });
    const title = `${result.config.activation}: singular values of J, ${result.config.depth} layers`;
    const description = result.series.map((s) => spectrumSentence(s.label, s.jacobian!, result.engine)).join(' ');
    this.chartHost.setAttribute('aria-label', `Chart: ${title}. ${description}`);
    this.plot?.destroy();
    this.plot = new uPlot(
      {
        title,
        ...this.size(),
        scales: { x: { time: false } },
        axes: [
          {
            ...axis('singular value s, log scale'),
            values: (_u, splits) => splits.map((v) => `1e${Number.isInteger(v) ? v : v.toFixed(1)}`),
          },
          { ...axis('count'), size: 45 },
        ],
        series: [
          { label: 'log10 s' },
          ...result.series.map((s, i) => ({
            label: s.label,
            stroke: colorOf(i),
            fill: `${colorOf(i)}33`,
            width: 1.5,
            paths: uPlot.paths.stepped!({ align: 1 }),
            points: { show: false },
          })),
        ],
      },
      [edges, ...counts] as uPlot.AlignedData,
      this.chartHost,
    );
    registerChart(this.id, {
      title,
      quantity: 'singular values',
      labels: result.series.map((s) => s.label),
      data: [edges, ...counts],
      marks: [],
    });
  }

  private size() {
    const width = Math.max(240, this.chartHost.clientWidth || 400);
    return { width, height: 220 };
  }
}
