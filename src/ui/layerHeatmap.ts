/**
 * A layer × step heat map of one per-layer figure of one series (E[Z_l²], E[(∂L/∂W_l)²]), coloured by its log10 on
 * a perceptual scale with a key of the range. A figure the engine flagged as beyond its arithmetic is not a
 * measurement: its cell is hatched grey and no number is given for it; an exact 0 (which a log cannot show) gets a
 * cell of its own colour and is named in the key. Canvas, redrawn at each evaluation.
 */
import type { TrainLayerRecord, TrainSeries } from '../lab/training';
import { formatNumber } from './format';
import { cssVar } from './palette';
import { registerDrawing } from './testHooks';

export interface HeatmapFigure {
  /** As the title and the text alternative write it, e.g. "E[Z²]". */
  symbol: string;
  value: (layer: TrainLayerRecord) => number;
  /** The quantity whose range flags make the figure not a measurement. */
  flaggedBy: 'pre' | 'weightGrad';
}

/** Viridis at five stops: ordered in lightness, readable in both themes and by common colour-vision deficiencies. */
const STOPS = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const [r, g, b] = STOPS[i].map((c, k) => Math.round(c + f * (STOPS[i + 1][k] - c)));
  return `rgb(${r}, ${g}, ${b})`;
}

type Cell = { kind: 'value'; log10: number } | { kind: 'zero' } | { kind: 'flagged'; why: string };

const MARGIN = { left: 46, right: 8, top: 6, bottom: 40 };

export class LayerHeatmap {
  readonly canvas: HTMLCanvasElement;

  constructor(
    private readonly id: string,
    host: HTMLElement,
    private readonly figure: HeatmapFigure,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'layer-heatmap';
    this.canvas.dataset.testid = `heatmap-${id}`;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute(
      'aria-label',
      `Heat map of log10 ${figure.symbol} by layer and step; drawn as training runs`,
    );
    host.append(this.canvas);
  }

  private cell(layer: TrainLayerRecord): Cell {
    const flags = layer.flags.filter((f) => f.quantity === this.figure.flaggedBy);
    if (flags.length) return { kind: 'flagged', why: flags.map((f) => `${f.kind} in ${f.precision}`).join(', ') };
    const v = this.figure.value(layer);
    return v === 0 ? { kind: 'zero' } : { kind: 'value', log10: Math.log10(v) };
  }

  show(series: TrainSeries): void {
    const steps = series.history.map((e) => e.step);
    const cells = series.history.map((e) => e.layers.map((l) => this.cell(l)));
    const layers = cells[0]?.length ?? 0;
    const logs = cells.flat().flatMap((c) => (c.kind === 'value' ? [c.log10] : []));
    const low = logs.length ? Math.min(...logs) : 0;
    const high = logs.length ? Math.max(...logs) : 0;
    const flagged = cells.flat().filter((c) => c.kind === 'flagged').length;
    const zeros = cells.flat().filter((c) => c.kind === 'zero').length;
    this.draw(steps, cells, layers, low, high, zeros > 0);
    const range = logs.length ? `log10 from ${formatNumber(low, 3)} to ${formatNumber(high, 3)}` : 'no measured value';
    const notes = [
      flagged ? `${flagged} cells hatched: beyond the engine's arithmetic, not measured` : '',
      zeros ? `${zeros} cells exactly 0` : '',
    ].filter(Boolean);
    this.canvas.setAttribute(
      'aria-label',
      `Heat map of log10 ${this.figure.symbol} of ${series.label}, layers 1 to ${layers} by steps ${steps[0] ?? 0} to ${steps.at(-1) ?? 0}: ${range}${notes.length ? `; ${notes.join('; ')}` : ''}.`,
    );
    registerDrawing(`heatmap-${this.id}`, {
      label: series.label,
      steps,
      cells: cells.map((column) => column.map((c) => (c.kind === 'value' ? c.log10 : c.kind))),
    });
  }

  private draw(steps: number[], cells: Cell[][], layers: number, low: number, high: number, zeros: boolean): void {
    const ratio = devicePixelRatio || 1;
    const width = Math.max(240, this.canvas.parentElement?.clientWidth ?? 320);
    const height = MARGIN.top + MARGIN.bottom + Math.max(90, Math.min(200, layers * 18));
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const plotW = width - MARGIN.left - MARGIN.right;
    const plotH = height - MARGIN.top - MARGIN.bottom;
    const cw = plotW / Math.max(1, cells.length);
    const ch = plotH / Math.max(1, layers);
    const fg = cssVar('--fg') || '#222';
    const muted = cssVar('--muted') || '#666';
    cells.forEach((column, x) => {
      column.forEach((c, l) => {
        const [left, top] = [MARGIN.left + x * cw, MARGIN.top + l * ch];
        if (c.kind === 'value') {
          ctx.fillStyle = viridis(high > low ? (c.log10 - low) / (high - low) : 0.5);
          ctx.fillRect(left, top, Math.ceil(cw), Math.ceil(ch));
        } else if (c.kind === 'zero') {
          ctx.fillStyle = fg;
          ctx.fillRect(left, top, Math.ceil(cw), Math.ceil(ch));
        } else this.hatch(ctx, left, top, cw, ch, muted);
      });
    });
    ctx.fillStyle = fg;
    ctx.font = '11px sans-serif';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const every = Math.ceil(layers / 8);
    for (let l = 0; l < layers; l += every)
      ctx.fillText(`layer ${l + 1}`, MARGIN.left - 4, MARGIN.top + (l + 0.5) * ch);
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    ctx.fillText(`step ${steps[0] ?? 0}`, MARGIN.left, MARGIN.top + plotH + 3);
    ctx.textAlign = 'right';
    ctx.fillText(`step ${steps.at(-1) ?? 0}`, MARGIN.left + plotW, MARGIN.top + plotH + 3);
    this.key(ctx, MARGIN.left, MARGIN.top + plotH + 18, plotW, low, high, zeros, fg);
  }

  private hatch(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, color: string): void {
    ctx.save();
    ctx.beginPath();
    ctx.rect(x, y, w, h);
    ctx.clip();
    ctx.strokeStyle = color;
    ctx.lineWidth = 1;
    for (let d = -h; d < w; d += 4) {
      ctx.moveTo(x + d, y + h);
      ctx.lineTo(x + d + h, y);
    }
    ctx.stroke();
    ctx.restore();
  }

  /** The colour scale from the smallest to the largest log10, and the zero colour when there are zeros. */
  private key(
    ctx: CanvasRenderingContext2D,
    x: number,
    y: number,
    w: number,
    low: number,
    high: number,
    zeros: boolean,
    fg: string,
  ): void {
    const barW = Math.min(160, w / 2);
    const gradient = ctx.createLinearGradient(x, 0, x + barW, 0);
    STOPS.forEach((_, i) => {
      gradient.addColorStop(i / (STOPS.length - 1), viridis(i / (STOPS.length - 1)));
    });
    ctx.fillStyle = gradient;
    ctx.fillRect(x, y, barW, 8);
    ctx.fillStyle = fg;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    ctx.fillText(`log₁₀ ${formatNumber(low, 2)}`, x, y + 9);
    ctx.textAlign = 'right';
    ctx.fillText(formatNumber(high, 2), x + barW, y + 9);
    ctx.textAlign = 'left';
    const legend = ['hatched: not measured', zeros ? 'solid: exactly 0' : ''].filter(Boolean).join(' · ');
    ctx.fillText(legend, x + barW + 10, y);
  }

  png(): string {
    return this.canvas.toDataURL('image/png');
  }
}
