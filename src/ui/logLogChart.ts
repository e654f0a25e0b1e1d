/**
 * A uPlot chart on log–log axes: the coordinate check's size against width (x in powers of 2) and the learning-rate
 * transfer's loss against the learning rate (x in powers of 10). uPlot's own log scale loops over many decades, so
 * the chart plots logarithms on linear scales and labels the ticks with the values, as varianceChart.ts does. A line
 * has no point where its value cannot be shown (0, not finite, or absent); a mark at the plot's edge says why, and a
 * ringed point marks a value the text calls out (a best learning rate). Each chart is named, described by a table the
 * figure keeps, and registered for the tests on window.initlab with its values before the logarithm.
 */
import uPlot from 'uplot';
import { chartPng } from './chartPng';
import { download, el, tableHead, tableRegion } from './dom';
import { formatNumber } from './format';
import { themedAxis } from './palette';
import { registerChart } from './testHooks';

export interface LogLine {
  label: string;
  color: string;
  /** One per x; null where the line has no value. */
  values: (number | null)[];
}

/** At (x, y), or at the top edge when y is null: a diverged run, a flagged figure; `ring` circles a plotted point. */
export interface LogMark {
  x: number;
  y: number | null;
  color: string;
  text: string;
  ring?: boolean;
}

export interface LogAxes {
  x: string;
  y: string;
  /** The x values' base: 2 for widths, 10 for learning rates. */
  xBase: 2 | 10;
}

/** A width or a learning rate as the reader typed it: 1024, 0.0003 (formatNumber would write 1.0e+3). */
const tickText = (v: number) => String(Number(v.toPrecision(3)));

const plottable = (v: number | null) => (v !== null && Number.isFinite(v) && v > 0 ? Math.log10(v) : null);

export class LogLogChart {
  private plot: uPlot | null = null;
  private x: number[] = [];
  private lines: LogLine[] = [];
  private marks: LogMark[] = [];
  /** The chart's text alternative, under it: its numbers, folded away. */
  readonly numbers: HTMLDetailsElement;
  readonly pngButton: HTMLButtonElement;

  constructor(
    readonly id: string,
    readonly host: HTMLElement,
    private title: string,
    readonly axes: LogAxes,
  ) {
    host.dataset.testid = `chart-${id}`;
    host.classList.add('chart');
    host.setAttribute('role', 'img');
    host.setAttribute('aria-label', `Chart: ${title}, not drawn yet`);
    host.setAttribute('aria-describedby', `numbers-${id}`);
    this.numbers = el('details', { className: 'chart-numbers', attrs: { id: `numbers-${id}` } });
    this.pngButton = el('button', {
      text: 'PNG',
      testid: `export-png-${id}`,
      attrs: { type: 'button', title: 'Save this chart as a PNG image' },
    });
    this.pngButton.addEventListener('click', () => this.plot && download(`initlab-${id}.png`, this.png()));
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(host);
  }

  show(title: string, x: number[], lines: LogLine[], marks: LogMark[]): void {
    Object.assign(this, { title, x, lines, marks });
    this.render();
    this.renderNumbers();
    registerChart(this.id, {
      title,
      quantity: this.axes.y,
      labels: lines.map((l) => l.label),
      data: [x, ...lines.map((l) => l.values)],
      marks: marks.map(({ x, y, text }) => ({ x, y, text })),
    });
  }

  /** Rebuilds the chart in the current theme and size. */
  render(): void {
    if (!this.x.length) return;
    const xLog = (v: number) => Math.log(v) / Math.log(this.axes.xBase);
    const xs = this.x.map(xLog);
    const options: uPlot.Options = {
      title: this.title,
      ...this.size(),
      scales: { x: { time: false, range: (_u, lo, hi) => [lo - 0.3, hi + 0.3] } },
      axes: [
        {
          ...themedAxis(this.axes.x),
          // Ticks at the data's own x values: a width list or a learning-rate list is what the reader chose.
          splits: () => xs,
          values: () => this.x.map(tickText),
        },
        {
          ...themedAxis(this.axes.y),
          size: 60,
          values: (_u, splits) => splits.map((v) => formatNumber(10 ** v, 2)),
        },
      ],
      series: [
        { label: this.axes.x, value: (_u, v) => (v == null ? '—' : formatNumber(this.axes.xBase ** v, 3)) },
        ...this.lines.map(
          (l): uPlot.Series => ({
            label: l.label,
            stroke: l.color,
            width: 2,
            points: { show: true, size: 6 },
            value: (_u, v) => (v == null ? '—' : formatNumber(10 ** v, 3)),
          }),
        ),
      ],
      hooks: { draw: [(u) => this.drawMarks(u)] },
    };
    this.plot?.destroy();
    const data = [xs, ...this.lines.map((l) => l.values.map(plottable))];
    this.plot = new uPlot(options, data as uPlot.AlignedData, this.host);
    this.host.setAttribute('aria-label', `Chart: ${this.title}`);
  }

  /** A PNG of the chart with its title and its legend (each line's slope or best), on the theme's background. */
  png(): string {
    if (!this.plot) throw new Error('Nothing drawn yet.');
    return chartPng(this.plot, this.title, this.lines, 'bar');
  }

  /** One row per x, one column per line; a value the chart cannot show is written as it is, or — when absent. */
  private renderNumbers(): void {
    const header = [this.axes.x, ...this.lines.map((l) => l.label)];
    const cell = (v: number | null) => (v === null ? '—' : formatNumber(v, 4));
    const table = el('table', { className: 'layer-table' }, [
      el('caption', { text: `${this.title}: ${this.axes.y}` }),
      tableHead(header),
      el(
        'tbody',
        {},
        this.x.map((x, i) =>
          el('tr', {}, [
            el('th', { text: tickText(x), attrs: { scope: 'row' } }),
            ...this.lines.map((l) => el('td', { text: cell(l.values[i]) })),
          ]),
        ),
      ),
    ]);
    this.numbers.replaceChildren(
      el('summary', { text: 'Numbers' }),
      tableRegion(`${this.title}: the numbers`, [table]),
    );
  }

  /** An × at the top edge for a value that is not there, with its reason; a ring around a value called out. */
  private drawMarks(u: uPlot): void {
    const ctx = u.ctx;
    const ratio = devicePixelRatio;
    ctx.save();
    ctx.font = `${11 * ratio}px sans-serif`;
    ctx.lineWidth = 2 * ratio;
    const xLog = (v: number) => Math.log(v) / Math.log(this.axes.xBase);
    let stacked = 0;
    for (const m of this.marks) {
      const cx = u.valToPos(xLog(m.x), 'x', true);
      ctx.strokeStyle = m.color;
      ctx.fillStyle = m.color;
      const y = plottable(m.y);
      if (m.ring && y !== null) {
        ctx.beginPath();
        ctx.arc(cx, u.valToPos(y, 'y', true), 8 * ratio, 0, 2 * Math.PI);
        ctx.stroke();
        continue;
      }
      const cy = u.bbox.top + (8 + 13 * stacked++) * ratio;
      const size = 4 * ratio;
      ctx.beginPath();
      ctx.moveTo(cx - size, cy - size);
      ctx.lineTo(cx + size, cy + size);
      ctx.moveTo(cx + size, cy - size);
      ctx.lineTo(cx - size, cy + size);
      ctx.stroke();
      ctx.textAlign = cx > u.bbox.left + u.bbox.width / 2 ? 'right' : 'left';
      ctx.fillText(m.text, cx + (ctx.textAlign === 'left' ? 8 : -8) * ratio, cy + 4 * ratio);
    }
    ctx.restore();
  }

  private size() {
    const width = Math.max(220, this.host.clientWidth || 320);
    return { width, height: Math.round(Math.min(300, Math.max(200, width * 0.75))) };
  }
}
