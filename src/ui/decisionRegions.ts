/**
 * Decision regions of every series of a 2-D dataset as small multiples: each network's readout on a GRID × GRID grid
 * over the data's range (session.forward), coloured by the class it predicts, lighter where it is unsure, with the
 * training points on top. Drawn at evaluations, not every frame; a diverged series has no regions to draw and says so.
 */
import type { Dataset } from '../lab/datasets';
import type { TrainingSession, TrainSnapshot } from '../lab/training';
import { el } from './dom';
import { cssVar } from './palette';
import { registerDrawing } from './testHooks';
import { outcomeText } from './trainingSentences';

/** Cells per side: 1600 points per network, a fraction of an evaluation's work on a 300-point dataset. */
export const GRID = 40;
const PANEL_PX = 150;
/** Class colours, distinct from each other in both themes (Okabe–Ito, reordered so that two classes contrast most). */
const CLASS_COLORS = [
  [0, 114, 178],
  [230, 159, 0],
  [0, 158, 115],
  [204, 121, 167],
  [213, 94, 0],
  [86, 180, 233],
  [140, 109, 31],
  [127, 127, 127],
  [240, 228, 66],
  [0, 0, 0],
];

export interface PlaneRange {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** The data's bounding box, a tenth wider on every side. */
export function planeRange(data: Dataset): PlaneRange {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const split of [data.train, data.test])
    for (let i = 0; i < split.rows; i++) {
      xs.push(split.x[2 * i]);
      ys.push(split.x[2 * i + 1]);
    }
  const pad = (lo: number, hi: number) => [lo - 0.1 * (hi - lo || 1), hi + 0.1 * (hi - lo || 1)];
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  return { x0, x1, y0, y1 };
}

/** Cell centres, row by row from the top (largest y), as [GRID² × 2]. */
export function gridPoints(range: PlaneRange): Float64Array {
  const points = new Float64Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++)
    for (let c = 0; c < GRID; c++) {
      const i = r * GRID + c;
      points[2 * i] = range.x0 + ((c + 0.5) / GRID) * (range.x1 - range.x0);
      points[2 * i + 1] = range.y1 - ((r + 0.5) / GRID) * (range.y1 - range.y0);
    }
  return points;
}

/** Softmax of one point's logits. */
function softmax(logits: Float64Array): number[] {
  const top = Math.max(...logits);
  const e = Array.from(logits, (z) => Math.exp(z - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

export class DecisionRegions {
  private readonly grid = el('div', { className: 'regions-grid' });
  private readonly panels: { canvas: HTMLCanvasElement; caption: HTMLElement }[] = [];
  private points: Float64Array;

  constructor(
    host: HTMLElement,
    private readonly data: Dataset,
    private readonly range: PlaneRange = planeRange(data),
  ) {
    this.points = gridPoints(range);
    host.replaceChildren(this.grid);
  }

  /** Reads every live series' readout on the grid and redraws its panel. */
  async draw(session: TrainingSession, snapshot: TrainSnapshot): Promise<void> {
    const drawn: { label: string; step: number; classes: number[] | null }[] = [];
    for (const [s, series] of snapshot.series.entries()) {
      const panel = this.panel(s, series.label);
      const last = series.history.at(-1);
      const accuracy = last?.testAccuracy != null ? `, test ${Math.round(last.testAccuracy * 100)} %` : '';
      if (series.outcome.status === 'diverged') {
        this.blank(panel.canvas, outcomeText(series.outcome));
        panel.caption.textContent = `${series.label}: ${outcomeText(series.outcome)}, no regions`;
        panel.canvas.setAttribute('aria-label', `${series.label} ${outcomeText(series.outcome)}: no decision regions`);
        drawn.push({ label: series.label, step: snapshot.step, classes: null });
        continue;
      }
      const { outputs } = await session.forward(s, this.points, false);
      const classes = this.paint(panel.canvas, outputs);
      panel.caption.textContent = `${series.label} · step ${snapshot.step}${accuracy}`;
      panel.canvas.setAttribute(
        'aria-label',
        `Decision regions of ${series.label} after ${snapshot.step} steps: the class it predicts over the plane, with the ${this.data.train.rows} training points on top${accuracy}.`,
      );
      drawn.push({ label: series.label, step: snapshot.step, classes });
    }
    this.panels.splice(snapshot.series.length).forEach((p) => {
      p.canvas.parentElement?.remove();
    });
    registerDrawing('training-regions', { grid: GRID, range: this.range, panels: drawn });
  }

  /** All panels side by side on one canvas, for the PNG export. */
  png(): string {
    const canvases = this.panels.map((p) => p.canvas);
    const out = document.createElement('canvas');
    const size = canvases[0]?.width ?? PANEL_PX;
    const line = Math.round(size / 8);
    out.width = Math.max(1, canvases.length) * (size + 8);
    out.height = size + line * 1.6;
    const ctx = out.getContext('2d')!;
    ctx.fillStyle = cssVar('--bg') || '#fff';
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = cssVar('--fg') || '#222';
    ctx.font = `${Math.round(line * 0.7)}px sans-serif`;
    canvases.forEach((c, i) => {
      ctx.drawImage(c, i * (size + 8), 0);
      ctx.fillText(this.panels[i].caption.textContent ?? '', i * (size + 8), size + line);
    });
    return out.toDataURL('image/png');
  }

  /** Series s's panel; a new one is named before its first drawing, which waits for the network's readout. */
  private panel(s: number, label: string) {
    if (!this.panels[s]) {
      const canvas = el('canvas', {
        className: 'region-canvas',
        testid: `regions-${s}`,
        attrs: { role: 'img', 'aria-label': `Decision regions of ${label}: being drawn` },
      });
      const caption = el('p', { className: 'axis-note' });
      this.grid.append(el('div', { className: 'region-panel' }, [canvas, caption]));
      this.panels[s] = { canvas, caption };
    }
    return this.panels[s];
  }

  private prepare(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
    const ratio = devicePixelRatio || 1;
    canvas.width = Math.round(PANEL_PX * ratio);
    canvas.height = Math.round(PANEL_PX * ratio);
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    return ctx;
  }

  private blank(canvas: HTMLCanvasElement, text: string): void {
    const ctx = this.prepare(canvas);
    ctx.fillStyle = cssVar('--panel') || '#eee';
    ctx.fillRect(0, 0, PANEL_PX, PANEL_PX);
    ctx.fillStyle = cssVar('--bad') || '#c00';
    ctx.font = '13px sans-serif';
    ctx.textAlign = 'center';
    ctx.fillText(text, PANEL_PX / 2, PANEL_PX / 2);
  }

  /** Paints the regions and the points; returns the predicted class of every cell. */
  private paint(canvas: HTMLCanvasElement, outputs: Float64Array): number[] {
    const ctx = this.prepare(canvas);
    const k = this.data.outputs;
    const cell = PANEL_PX / GRID;
    const classes: number[] = [];
    for (let i = 0; i < GRID * GRID; i++) {
      const p = softmax(outputs.subarray(i * k, (i + 1) * k));
      const best = p.indexOf(Math.max(...p));
      classes.push(best);
      // Sure of its class: strong colour; unsure (p near 1/k): pale.
      const sureness = (p[best] - 1 / k) / (1 - 1 / k);
      const [r, g, b] = CLASS_COLORS[best % CLASS_COLORS.length];
      ctx.fillStyle = `rgba(${r}, ${g}, ${b}, ${0.15 + 0.5 * sureness})`;
      ctx.fillRect((i % GRID) * cell, Math.floor(i / GRID) * cell, Math.ceil(cell), Math.ceil(cell));
    }
    const { x0, x1, y0, y1 } = this.range;
    const { x, y, rows } = this.data.train;
    ctx.strokeStyle = cssVar('--fg') || '#222';
    ctx.lineWidth = 0.7;
    for (let i = 0; i < rows; i++) {
      const [r, g, b] = CLASS_COLORS[y[i] % CLASS_COLORS.length];
      ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
      ctx.beginPath();
      ctx.arc(
        ((x[2 * i] - x0) / (x1 - x0)) * PANEL_PX,
        ((y1 - x[2 * i + 1]) / (y1 - y0)) * PANEL_PX,
        2.4,
        0,
        2 * Math.PI,
      );
      ctx.fill();
      ctx.stroke();
    }
    return classes;
  }
}
