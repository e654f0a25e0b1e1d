/**
 * A per-layer chart of one quantity (Var(Z), Var(H), E[(∂L/∂Z)²], E[(∂L/∂W)²]) on a log axis: one line per series
 * (the mean over trials), and with several trials the median dotted and the 10–90 % band of the trials around it, so
 * the chart shows where most networks lie as well as their average; theory.ts's prediction is dashed in the series'
 * colour. A value the log axis cannot show (0, ∞, NaN) becomes a gap plus a labelled marker at the plot's edge, and a
 * value the engine flagged is ringed: nothing is drawn as zero and nothing disappears silently.
 */
import uPlot from 'uplot';
import type { LayerStats, Quantity, RunResult, SeriesResult } from '../lab/results';
import type { TheorySeries } from '../lab/theory';
import { chartPng } from './chartPng';
import { flagText } from './format';
import { colorOf, themedAxis } from './palette';
import { measured, predicted, quantityInfo } from './quantities';
import { registerChart } from './testHooks';

interface Mark {
  x: number;
  y: number | null;
  color: string;
  text: string;
}

const plottable = (v: number) => (Number.isFinite(v) && v > 0 ? v : null);
// uPlot's own log scale loops forever over 70+ decades (σ = 1e-5 reaches 1e-73), so the chart plots log10 values
// on a linear scale and labels the ticks as powers of ten.
const toLog = (values: (number | null)[]) => values.map((v) => (v === null ? null : Math.log10(v)));
/**
 * A series' value at each of `layers` layers, null past its last: a grid's series (grid.ts) may differ in depth, and
 * uPlot takes one x for all.
 */
const byLayer = (s: SeriesResult, layers: number, value: (l: LayerStats) => number | null) =>
  Array.from({ length: layers }, (_, k) => (k < s.layers.length ? value(s.layers[k]) : null));

/** What the lines and the band of a chart of `trials` networks are, in words; '' for one network. */
export function chartKey(trials: number): string {
  return trials > 1
    ? `Solid: the mean of ${trials} networks · dotted: their median · band: 10–90 % of them (8 in 10 networks lie inside)`
    : '';
}

export class VarianceChart {
  private plot: uPlot | null = null;
  private marks: Mark[] = [];
  private result: RunResult | null = null;
  private theory: TheorySeries[] = [];

  constructor(
    readonly id: string,
    private readonly host: HTMLElement,
    readonly quantity: Quantity,
    readonly title: string,
  ) {
    host.dataset.testid = `chart-${id}`;
    host.classList.add('chart');
    host.setAttribute('role', 'img');
    host.setAttribute('aria-label', `Chart: ${title}, not drawn yet`);
    new ResizeObserver(() => this.resize()).observe(host);
  }

  show(result: RunResult, theory: TheorySeries[]): void {
    this.result = result;
    this.theory = theory;
    this.render();
  }

  /** Rebuild with the current theme's colours. */
  render(): void {
    if (!this.result) return;
    const result = this.result;
    const q = this.quantity;
    const withBand = result.config.trials > 1;
    const layers = Math.max(...result.series.map((s) => s.layers.length));
    const x = Array.from({ length: layers }, (_, k) => k + 1);
    const data: (number | null)[][] = [x];
    const series: uPlot.Series[] = [{ label: 'layer' }];
    const bands: uPlot.Band[] = [];
    this.marks = [];
    result.series.forEach((s, i) => {
      const color = colorOf(i);
      data.push(byLayer(s, layers, (l) => plottable(measured(l[q]!, q))));
      series.push({
        label: s.label,
        stroke: color,
        width: 2,
        points: { show: true, size: 6 },
        value: (_u, v) => (v == null ? '—' : (10 ** v).toExponential(3)),
      });
      for (const l of s.layers) {
        const flags = flagText(l.flags, q);
        const v = measured(l[q]!, q);
        if (plottable(v) === null)
          this.marks.push({ x: l.layer, y: null, color, text: flags || (v === 0 ? 'exactly 0' : String(v)) });
        else if (flags) this.marks.push({ x: l.layer, y: v, color, text: flags });
      }
      if (withBand) {
        const hi = data.length;
        data.push(
          byLayer(s, layers, (l) => plottable(measured(l[q]!.p90, q))),
          byLayer(s, layers, (l) => plottable(measured(l[q]!.p10, q))),
        );
        const edge = { stroke: color, width: 0, class: 'band-edge', points: { show: false } };
        series.push({ ...edge, label: `${s.label} 90 %` }, { ...edge, label: `${s.label} 10 %` });
        bands.push({ series: [hi, hi + 1], fill: `${color}33` });
      }
    });
    // Medians after every mean and band, so that the snapshot's data keeps its layout (x, then mean, 90 %, 10 % each).
    const medians = withBand
      ? result.series.map((s) => byLayer(s, layers, (l) => plottable(measured(l[q]!.median, q))))
      : [];
    medians.forEach((values, i) => {
      data.push(values);
      series.push({
        label: `${result.series[i].label} median`,
        class: 'median-line',
        stroke: colorOf(i),
        width: 2,
        dash: [2, 4],
        points: { show: true, size: 4 },
        value: (_u, v) => (v == null ? '—' : (10 ** v).toExponential(3)),
      });
    });
    // After every measured series and band, so that the snapshot's data keeps its layout; empty where theory has none.
    const theory = result.series.map((_, i) => this.theory[i]?.layers.map((l) => predicted(l, q)) ?? []);
    theory.forEach((values, i) => {
      if (!values.length) return;
      data.push(Array.from({ length: layers }, (_, k) => (k < values.length ? plottable(values[k]) : null)));
      series.push({
        label: `${result.series[i].label} theory`,
        class: 'theory-line',
        stroke: colorOf(i),
        width: 1.5,
        dash: [6, 4],
        points: { show: false },
      });
    });
    const title = theory.some((t) => t.length) ? `${this.title} · dashed: theory` : this.title;
    this.host.setAttribute('aria-label', `Chart: ${title}`);
    const options: uPlot.Options = {
      title,
      ...this.size(),
      scales: { x: { time: false } },
      axes: [
        { ...themedAxis('layer'), incrs: [1, 2, 5, 10, 20, 50, 100] },
        {
          ...themedAxis(`${quantityInfo[q].symbol}, log scale`),
          size: 70,
          incrs: [1, 2, 5, 10, 20, 50, 100],
          values: (_u, splits) => splits.map((v) => `1e${v}`),
        },
      ],
      series,
      bands,
      hooks: { draw: [(u) => this.drawMarks(u)] },
    };
    this.plot?.destroy();
    this.plot = new uPlot(options, [x, ...data.slice(1).map(toLog)] as uPlot.AlignedData, this.host);
    const measuredData = data.slice(0, data.length - medians.length - theory.filter((t) => t.length).length);
    registerChart(this.id, {
      title: this.title,
      quantity: q,
      labels: result.series.map((s) => s.label),
      data: measuredData,
      median: medians,
      theory,
      marks: this.marks.map((m) => ({ ...m })),
    });
  }

  /** A PNG of the chart with its title and a legend, on the theme's background. */
  png(): string {
    if (!this.plot || !this.result) throw new Error('Nothing drawn yet.');
    const entries = this.result.series.map((s, i) => ({ label: s.label, color: colorOf(i) }));
    return chartPng(this.plot, this.title, entries, 'bar', chartKey(this.result.config.trials) || undefined);
  }

  private drawMarks(u: uPlot): void {
    const ctx = u.ctx;
    const ratio = devicePixelRatio;
    ctx.save();
    ctx.font = `${11 * ratio}px sans-serif`;
    ctx.lineWidth = 2 * ratio;
    const bottom = u.bbox.top + u.bbox.height - 4 * ratio;
    // One label per series and reason, naming its layers, stacked so that labels of different series never overlap.
    const groups = new Map<string, Mark[]>();
    for (const m of this.marks) {
      const cx = u.valToPos(m.x, 'x', true);
      if (m.y === null) {
        ctx.fillStyle = m.color;
        ctx.beginPath();
        ctx.moveTo(cx, bottom - 9 * ratio);
        ctx.lineTo(cx - 6 * ratio, bottom);
        ctx.lineTo(cx + 6 * ratio, bottom);
        ctx.closePath();
        ctx.fill();
        const key = `${m.color} ${m.text}`;
        groups.set(key, [...(groups.get(key) ?? []), m]);
      } else {
        ctx.strokeStyle = '#d00';
        ctx.beginPath();
        ctx.arc(cx, u.valToPos(Math.log10(m.y), 'y', true), 7 * ratio, 0, 2 * Math.PI);
        ctx.stroke();
      }
    }
    [...groups.values()].forEach((marks, i) => {
      const first = marks[0].x;
      const last = marks[marks.length - 1].x;
      const layers = marks.length > 1 ? `layers ${first}–${last}` : `layer ${first}`;
      const cx = u.valToPos(first, 'x', true);
      ctx.fillStyle = marks[0].color;
      ctx.textAlign = cx > u.bbox.left + u.bbox.width / 2 ? 'right' : 'left';
      ctx.fillText(
        `${marks[0].text} (${layers})`,
        cx + (ctx.textAlign === 'left' ? 8 : -8) * ratio,
        bottom - (14 + 14 * i) * ratio,
      );
    });
    ctx.restore();
  }

  private size() {
    const width = Math.max(280, this.host.clientWidth || 600);
    return { width, height: Math.round(Math.min(360, Math.max(220, width * 0.55))) };
  }

  private resize(): void {
    if (this.plot) this.plot.setSize(this.size());
  }
}
