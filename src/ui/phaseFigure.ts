/**
 * One phase diagram on the page: a heat map of the measured χ₁ over the (σ_w, σ_b) grid — blue below 1 (order), red
 * above (chaos) — with the theoretical boundary χ₁ = 1 drawn solid over it and the measured one dashed beside it, He
 * initialization marked for ReLU. Clicking a cell, or choosing its σ's and pressing Load, puts that network into the
 * experiment above. The numbers are in a table; the map's text alternative says where the boundaries run.
 */
import { bindActivation } from '../lab/activations';
import type { ExperimentConfig } from '../lab/config';
import { axisValues } from '../lab/configPhase';
import { criticalSigmaW, measuredBoundary, type PhasePoint, phaseGrid, pointConfig } from '../lab/phase';
import { phaseResultJson, type RunResult } from '../lab/results';
import { downloadText, el, tableRegion } from './dom';
import { formatNumber } from './format';
import { cssVar } from './palette';
import { registerResult } from './testHooks';

/** Pixels around the cells for the axes' labels. */
const MARGIN = { left: 52, right: 12, top: 10, bottom: 40 };
/** χ₁ from 1/4 to 4 spans the colour scale: log2(χ₁)/2 from −1 to 1. */
const colourOf = (chi: number | null, neutral: [number, number, number]): string => {
  if (chi === null) return '#8f8f8f';
  const t = Math.max(-1, Math.min(1, Math.log2(chi) / 2));
  const end = t < 0 ? [0, 114, 178] : [213, 94, 0];
  const mix = neutral.map((n, i) => Math.round(n + Math.abs(t) * (end[i] - n)));
  return `rgb(${mix.join(',')})`;
};
const three = (x: number) => formatNumber(x, 3);

export type LoadNetwork = (network: Pick<ExperimentConfig, 'activation' | 'bias' | 'sweep'>) => void;

export class PhaseMap {
  private readonly heading = el('h3');
  private readonly canvas = el('canvas', { attrs: { role: 'img' } });
  private readonly sigmaW = el('select', { attrs: { 'aria-label': 'σ_w of the network to load' } });
  private readonly sigmaB = el('select', { attrs: { 'aria-label': 'σ_b of the network to load' } });
  private readonly load = el('button', { text: 'Load into the experiment', attrs: { type: 'button' } });
  private readonly json = el('button', {
    text: 'JSON',
    attrs: { type: 'button', title: 'The grid as npm run phase writes it' },
  });
  private readonly table: HTMLElement;
  private readonly meta = el('p', { className: 'figure-meta' });
  private result: RunResult | null = null;
  private grid: PhasePoint[] = [];

  constructor(
    readonly id: string,
    private readonly host: HTMLElement,
    private readonly onLoad: LoadNetwork,
  ) {
    this.table = tableRegion(
      `Phase diagram ${id === 'phase-tanh' ? 'of tanh' : "of the panel's activation"}: the numbers`,
      [],
      `numbers-${id}`,
    );
    this.heading.textContent = 'Phase diagram: computed once you reach it';
    this.canvas.dataset.testid = `heatmap-${id}`;
    this.canvas.classList.add('heatmap');
    this.canvas.setAttribute('aria-describedby', `numbers-${id}`);
    this.canvas.setAttribute('aria-label', 'Phase diagram, not drawn yet');
    this.canvas.addEventListener('click', (event) => this.clicked(event));
    this.load.dataset.testid = `load-${id}`;
    this.load.addEventListener('click', () => this.loadPoint(Number(this.sigmaW.value), Number(this.sigmaB.value)));
    this.json.addEventListener('click', () => {
      if (this.result)
        downloadText(`initlab-${id}.json`, JSON.stringify(phaseResultJson(this.result), null, 2), 'application/json');
    });
    new ResizeObserver(() => this.render()).observe(host);
    const picker = el('div', { className: 'histogram-picker' }, [
      el('label', {}, ['σ_w ', this.sigmaW]),
      el('label', {}, ['σ_b ', this.sigmaB]),
      this.load,
      this.json,
    ]);
    host.replaceChildren(this.heading, this.canvas, picker, this.meta, this.table);
  }

  show(result: RunResult, substitution = ''): void {
    this.host.hidden = false;
    this.result = result;
    this.grid = phaseGrid(result.config, result.phase!);
    const [ws, bs] = [axisValues(result.config.phase!.sigmaW), axisValues(result.config.phase!.sigmaB)];
    const option = (x: number) => el('option', { text: three(x), attrs: { value: String(Number(x.toPrecision(6))) } });
    this.sigmaW.replaceChildren(...ws.map(option));
    this.sigmaB.replaceChildren(...bs.map(option));
    this.heading.textContent = `${result.config.activation}: χ₁ measured, ${this.grid.length} networks`;
    const boundaries = this.boundaries();
    this.canvas.setAttribute('aria-label', this.describe(boundaries));
    this.renderTable(ws, bs, boundaries);
    this.meta.textContent = `Colour: measured χ₁, blue below 1 (order), red above (chaos), grey where float32 could not hold the network. Solid line: theory's χ₁ = 1; dashed: where the measurements cross 1. ${result.engine.toUpperCase()} engine${result.device ? ` (${result.device})` : ''}, ${result.timings.totalMs.toFixed(0)} ms.${substitution ? ` ${substitution}` : ''}`;
    this.render();
    registerResult(this.id, { ...phaseResultJson(result), boundaries });
  }

  /** The map of an activation the panel does not ask for: nothing to show. */
  idle(): void {
    this.host.hidden = true;
  }

  restyle(): void {
    this.render();
  }

  /** Per σ_b row, where χ₁ = 1 by theory (within the grid's σ_w) and where the measurements cross it. */
  private boundaries(): { sigmaB: number; theory: number | null; measured: number | null }[] {
    const { config } = this.result!;
    const phi = bindActivation(config.activation, config);
    const [from, to] = config.phase!.sigmaW;
    const measured = measuredBoundary(this.grid, config.phase!.sigmaW[2]);
    return axisValues(config.phase!.sigmaB).map((sigmaB, r) => ({
      sigmaB,
      theory: criticalSigmaW(phi, sigmaB, from, to),
      measured: measured[r]?.sigmaW ?? null,
    }));
  }

  private describe(boundaries: { sigmaB: number; theory: number | null; measured: number | null }[]): string {
    const { config } = this.result!;
    const [w, b] = [config.phase!.sigmaW, config.phase!.sigmaB];
    const where = (key: 'theory' | 'measured') =>
      boundaries
        .filter((x) => x[key] !== null)
        .map((x) => `σ_w ${three(x[key]!)} at σ_b ${three(x.sigmaB)}`)
        .join(', ') || 'nowhere in the grid';
    return `Phase diagram of ${config.activation}: measured χ₁ over σ_w from ${w[0]} to ${w[1]} and σ_b from ${b[0]} to ${b[1]}. Theory puts χ₁ = 1 at ${where('theory')}; the measurements cross 1 at ${where('measured')}.`;
  }

  private renderTable(ws: number[], bs: number[], boundaries: ReturnType<PhaseMap['boundaries']>): void {
    const head = (cells: string[]) =>
      el('thead', {}, [
        el(
          'tr',
          {},
          cells.map((h) => el('th', { text: h })),
        ),
      ]);
    const rows = bs.map((b, r) =>
      el('tr', {}, [
        el('th', { text: three(b) }),
        ...ws.map((_, c) => {
          const chi = this.grid[r * ws.length + c].chi1.measured;
          return el('td', { text: chi === null ? '—' : three(chi) });
        }),
      ]),
    );
    const summary = boundaries.map((x) =>
      el('tr', {}, [
        el('th', { text: three(x.sigmaB) }),
        el('td', { text: x.measured === null ? '—' : three(x.measured) }),
        el('td', { text: x.theory === null ? '—' : three(x.theory) }),
      ]),
    );
    this.table.replaceChildren(
      el('table', { className: 'layer-table lecture-hidden', testid: `table-${this.id}` }, [
        el('caption', { text: 'χ₁ measured: σ_b down, σ_w across' }),
        head(['σ_b \\ σ_w', ...ws.map(three)]),
        el('tbody', {}, rows),
      ]),
      el('table', { className: 'layer-table lecture-only' }, [
        el('caption', { text: 'Where χ₁ = 1, as σ_w' }),
        head(['σ_b', 'measured', 'theory']),
        el('tbody', {}, summary),
      ]),
    );
  }

  /** The cells' geometry at the canvas's current size. */
  private layout() {
    const { phase } = this.result!.config;
    const [ws, bs] = [phase!.sigmaW[2], phase!.sigmaB[2]];
    const width = Math.max(240, this.host.clientWidth || 480);
    const height = Math.round(Math.min(380, Math.max(200, width * 0.62)));
    const cell = { w: (width - MARGIN.left - MARGIN.right) / ws, h: (height - MARGIN.top - MARGIN.bottom) / bs };
    // σ to the centre of its cell, between the first and the last value of the axis.
    const along = (axis: [number, number, number], value: number, size: number) =>
      axis[2] === 1 ? size / 2 : ((value - axis[0]) / (axis[1] - axis[0])) * (axis[2] - 1) * size + size / 2;
    return {
      width,
      height,
      cell,
      columns: ws,
      rows: bs,
      x: (sigmaW: number) => MARGIN.left + along(phase!.sigmaW, sigmaW, cell.w),
      y: (sigmaB: number) => height - MARGIN.bottom - along(phase!.sigmaB, sigmaB, cell.h),
    };
  }

  private render(): void {
    if (!this.result || this.host.hidden) return;
    const g = this.layout();
    const ratio = devicePixelRatio;
    this.canvas.width = g.width * ratio;
    this.canvas.height = g.height * ratio;
    this.canvas.style.width = `${g.width}px`;
    this.canvas.style.height = `${g.height}px`;
    const ctx = this.canvas.getContext('2d')!;
    ctx.scale(ratio, ratio);
    const dark = document.documentElement.dataset.theme === 'dark';
    const fg = cssVar('--fg') || '#222';
    ctx.fillStyle = cssVar('--bg') || '#fff';
    ctx.fillRect(0, 0, g.width, g.height);
    this.grid.forEach((p, i) => {
      const [c, r] = [i % g.columns, Math.floor(i / g.columns)];
      ctx.fillStyle = colourOf(p.chi1.measured, dark ? [48, 48, 48] : [247, 247, 247]);
      ctx.fillRect(
        MARGIN.left + c * g.cell.w,
        g.height - MARGIN.bottom - (r + 1) * g.cell.h,
        g.cell.w + 0.5,
        g.cell.h + 0.5,
      );
    });
    const line = (points: { sigmaB: number; sigmaW: number | null }[], dash: number[]) => {
      ctx.setLineDash(dash);
      ctx.strokeStyle = fg;
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      let open = false;
      for (const p of points) {
        if (p.sigmaW === null) {
          open = false;
          continue;
        }
        if (open) ctx.lineTo(g.x(p.sigmaW), g.y(p.sigmaB));
        else ctx.moveTo(g.x(p.sigmaW), g.y(p.sigmaB));
        open = true;
      }
      ctx.stroke();
      ctx.setLineDash([]);
    };
    const boundaries = this.boundaries();
    line(
      boundaries.map((b) => ({ sigmaB: b.sigmaB, sigmaW: b.theory })),
      [],
    );
    line(
      boundaries.map((b) => ({ sigmaB: b.sigmaB, sigmaW: b.measured })),
      [6, 5],
    );
    this.drawAxes(ctx, g, fg);
  }

  private drawAxes(ctx: CanvasRenderingContext2D, g: ReturnType<PhaseMap['layout']>, fg: string): void {
    const { config } = this.result!;
    ctx.fillStyle = fg;
    ctx.font = '12px sans-serif';
    ctx.textAlign = 'center';
    const ws = axisValues(config.phase!.sigmaW);
    const bs = axisValues(config.phase!.sigmaB);
    const every = (n: number) => Math.max(1, Math.ceil(n / 6));
    ws.forEach((w, i) => {
      if (i % every(ws.length) === 0) ctx.fillText(three(w), g.x(w), g.height - MARGIN.bottom + 15);
    });
    ctx.fillText('σ_w', MARGIN.left + (g.width - MARGIN.left - MARGIN.right) / 2, g.height - 6);
    ctx.textAlign = 'right';
    bs.forEach((b, i) => {
      if (i % every(bs.length) === 0) ctx.fillText(three(b), MARGIN.left - 6, g.y(b) + 4);
    });
    ctx.save();
    ctx.translate(12, MARGIN.top + (g.height - MARGIN.top - MARGIN.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText('σ_b', 0, 0);
    ctx.restore();
    const [w0, w1] = config.phase!.sigmaW;
    if (config.activation === 'relu' && w0 <= Math.SQRT2 && Math.SQRT2 <= w1 && config.phase!.sigmaB[0] === 0) {
      // He initialization: σ_w² = 2, σ_b = 0, ReLU's critical point.
      const [x, y] = [g.x(Math.SQRT2), g.y(0)];
      ctx.strokeStyle = fg;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(x, y, 6, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.textAlign = 'left';
      ctx.fillText('He', x + 9, y - 6);
    }
  }

  private clicked(event: MouseEvent): void {
    if (!this.result) return;
    const g = this.layout();
    const box = this.canvas.getBoundingClientRect();
    const c = Math.floor((event.clientX - box.left - MARGIN.left) / g.cell.w);
    const r = Math.floor((g.height - MARGIN.bottom - (event.clientY - box.top)) / g.cell.h);
    if (c < 0 || c >= g.columns || r < 0 || r >= g.rows) return;
    const point = this.grid[r * g.columns + c];
    this.loadPoint(point.sigmaW, point.sigmaB);
  }

  private loadPoint(sigmaW: number, sigmaB: number): void {
    // Six digits: a grid's 0.6000000000000001 would otherwise reach the controls and the URL.
    const [w, b] = [sigmaW, sigmaB].map((x) => Number(x.toPrecision(6)));
    const network = pointConfig(this.result!.config, w, b);
    this.onLoad({ activation: network.activation, bias: network.bias, sweep: network.sweep });
  }
}
