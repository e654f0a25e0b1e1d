/**
 * A uPlot chart of lines over training steps: the loss and accuracy curves, the update-to-weight ratios. A log axis
 * plots log10 values on a linear scale, as varianceChart.ts does (uPlot's own log scale loops over many decades). A
 * line has a value only where its series has a finite entry: a diverged series' line ends at its last finite entry,
 * and a mark at that point says where and why; nothing past it is drawn. Each chart is named and described by a
 * table, and registered for the tests on window.initlab.
 */
import uPlot from 'uplot';
import { chartPng } from './chartPng';
import { formatNumber } from './format';
import { themedAxis } from './palette';
import { registerChart } from './testHooks';

export interface ChartLine {
  label: string;
  color: string;
  dashed: boolean;
  /** One value per x; null where the line has no figure (not recorded, or not shown on a log axis). */
  values: (number | null)[];
}

export interface ChartMark {
  x: number;
  /** Where the line ended (before any log transform); null to mark the top edge. */
  y: number | null;
  color: string;
  text: string;
}

export interface LineChartData {
  x: number[];
  lines: ChartLine[];
  marks: ChartMark[];
}

const plottable = (v: number | null, log: boolean) =>
  v === null || !Number.isFinite(v) || (log && v <= 0) ? null : log ? Math.log10(v) : v;

export class TrainingLineChart {
  private plot: uPlot | null = null;
  private data: LineChartData = { x: [], lines: [], marks: [] };
  private shape = '';

  constructor(
    readonly id: string,
    private readonly host: HTMLElement,
    private readonly title: string,
    private readonly axis: { label: string; log: boolean; percent?: boolean },
  ) {
    host.dataset.testid = `chart-${id}`;
    host.classList.add('chart');
    host.setAttribute('role', 'img');
    host.setAttribute('aria-label', `Chart: ${title}; drawn as training runs`);
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(host);
  }

  show(data: LineChartData): void {
    this.data = data;
    const shape = JSON.stringify(data.lines.map((l) => [l.label, l.color, l.dashed]));
    const aligned = [data.x, ...data.lines.map((l) => l.values.map((v) => plottable(v, this.axis.log)))];
    if (this.plot && shape === this.shape) this.plot.setData(aligned as uPlot.AlignedData);
    else this.render();
    this.shape = shape;
    this.host.setAttribute('aria-label', `Chart: ${this.title}`);
    registerChart(this.id, {
      title: this.title,
      quantity: this.id,
      labels: data.lines.map((l) => l.label),
      data: [data.x, ...data.lines.map((l) => l.values)],
      marks: data.marks.map(({ x, y, text }) => ({ x, y, text })),
    });
  }

  /** Rebuilds the chart in the current theme. */
  render(): void {
    const { x, lines } = this.data;
    const format = (v: number) =>
      this.axis.log ? formatNumber(10 ** v, 2) : this.axis.percent ? `${Math.round(v * 100)} %` : formatNumber(v, 3);
    const options: uPlot.Options = {
      title: this.title,
      ...this.size(),
      scales: { x: { time: false }, ...(this.axis.percent ? { y: { range: [0, 1] } } : {}) },
      axes: [
        themedAxis('step'),
        { ...themedAxis(this.axis.label), size: 64, values: (_u, splits) => splits.map(format) },
      ],
      series: [
        { label: 'step' },
        ...lines.map(
          (l): uPlot.Series => ({
            label: l.label,
            stroke: l.color,
            width: l.dashed ? 1.5 : 2,
            dash: l.dashed ? [6, 4] : undefined,
            points: { show: x.length < 40, size: 4 },
            value: (_u, v) => (v == null ? '—' : format(v)),
          }),
        ),
      ],
      hooks: { draw: [(u) => this.drawMarks(u)] },
    };
    this.plot?.destroy();
    const aligned = [x, ...lines.map((l) => l.values.map((v) => plottable(v, this.axis.log)))];
    this.plot = new uPlot(options, aligned as uPlot.AlignedData, this.host);
  }

  /** A PNG of the chart with its title and a key of its lines, on the theme's background; undefined before a drawing. */
  png(): string | undefined {
    return this.plot ? chartPng(this.plot, this.title, this.data.lines, 'stroke') : undefined;
  }

  /** An × where a line ended and its reason beside it, stacked so that two series' labels never overlap. */
  private drawMarks(u: uPlot): void {
    const ctx = u.ctx;
    const ratio = devicePixelRatio;
    ctx.save();
    ctx.font = `${12 * ratio}px sans-serif`;
    ctx.lineWidth = 2 * ratio;
    this.data.marks.forEach((m, i) => {
      const cx = u.valToPos(m.x, 'x', true);
      const y = plottable(m.y, this.axis.log);
      const cy = y === null ? u.bbox.top + 8 * ratio : u.valToPos(y, 'y', true);
      const size = 5 * ratio;
      ctx.strokeStyle = m.color;
      ctx.beginPath();
      ctx.moveTo(cx - size, cy - size);
      ctx.lineTo(cx + size, cy + size);
      ctx.moveTo(cx + size, cy - size);
      ctx.lineTo(cx - size, cy + size);
      ctx.stroke();
      ctx.fillStyle = m.color;
      ctx.textAlign = cx > u.bbox.left + u.bbox.width / 2 ? 'right' : 'left';
      const dx = (ctx.textAlign === 'left' ? 9 : -9) * ratio;
      ctx.fillText(m.text, cx + dx, Math.max(u.bbox.top + 12 * ratio, cy - 8 * ratio + 14 * ratio * i));
    });
    ctx.restore();
  }

  private size() {
    const width = Math.max(260, this.host.clientWidth || 560);
    return { width, height: Math.round(Math.min(320, Math.max(200, width * 0.5))) };
  }
}
