/**
 * One engine-counted histogram (src/lab/histogram.ts) as a stepped uPlot chart. The values can be as small as 1e-70
 * (σ = 1e-5, deep layers), which uPlot's tick search cannot handle, so the x axis is in units of a power of ten
 * named in its label.
 */
import uPlot from 'uplot';
import type { Histogram } from '../lab/histogram';
import { formatNumber } from './format';
import { cssVar } from './palette';
import { registerChart } from './testHooks';

/** The histogram in words, its text alternative: how many values, over what range, and where most of them lie. */
function describe(h: Histogram, title: string): string {
  const inBins = h.counts.reduce((a, b) => a + b, 0);
  const outside = h.below + h.above + h.nan;
  const fullest = h.counts.indexOf(Math.max(...h.counts));
  const range = (a: number, b: number) => `${formatNumber(a, 3)} to ${formatNumber(b, 3)}`;
  return (
    `Histogram: ${title}. ${inBins} values in ${h.counts.length} bins from ${range(h.lo, h.hi)}` +
    `${outside ? `, ${outside} outside them` : ''}; the fullest bin, ${range(h.edges[fullest], h.edges[fullest + 1])}, holds ${h.counts[fullest]}.`
  );
}

export class HistogramChart {
  private plot: uPlot | null = null;
  private last: { histogram: Histogram; title: string; axis: string; color: string } | null = null;

  constructor(
    readonly id: string,
    private readonly host: HTMLElement,
    private readonly height = 180,
  ) {
    host.dataset.testid = `histogram-${id}`;
    host.classList.add('chart');
    host.setAttribute('role', 'img');
    host.setAttribute('aria-label', 'Histogram, not drawn yet');
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(host);
  }

  show(histogram: Histogram, title: string, axis: string, color: string): void {
    this.last = { histogram, title, axis, color };
    this.render();
  }

  render(): void {
    if (!this.last) return;
    const { histogram: h, title, axis, color } = this.last;
    const magnitude = Math.max(Math.abs(h.lo), Math.abs(h.hi));
    const exponent = magnitude > 0 ? Math.floor(Math.log10(magnitude)) : 0;
    const unit = exponent >= -2 && exponent <= 3 ? 0 : exponent;
    const edges = h.edges.map((e) => e / 10 ** unit);
    // A step holds from its x to the next, so the last count is repeated at the upper edge to close the last bin.
    const steps = [...h.counts, h.counts[h.counts.length - 1]];
    const outside = h.below + h.above + h.nan;
    this.host.setAttribute('aria-label', describe(h, title));
    const fg = cssVar('--fg') || '#222';
    const grid = cssVar('--grid') || '#ddd';
    this.plot?.destroy();
    this.plot = new uPlot(
      {
        title: outside ? `${title} (${outside} outside the bins)` : title,
        ...this.size(),
        legend: { show: false },
        scales: { x: { time: false } },
        axes: [
          { label: unit ? `${axis} (×1e${unit})` : axis, stroke: fg, grid: { stroke: grid }, ticks: { stroke: grid } },
          { label: 'count', stroke: fg, grid: { stroke: grid }, ticks: { stroke: grid }, size: 50 },
        ],
        series: [
          { label: axis },
          {
            label: 'count',
            stroke: color,
            fill: `${color}44`,
            width: 1.5,
            paths: uPlot.paths.stepped!({ align: 1 }),
            points: { show: false },
          },
        ],
      },
      [edges, steps] as uPlot.AlignedData,
      this.host,
    );
    registerChart(this.id, { title, quantity: axis, labels: ['count'], data: [h.edges, h.counts], marks: [] });
  }

  private size() {
    return { width: Math.max(200, this.host.clientWidth || 300), height: this.height };
  }
}
