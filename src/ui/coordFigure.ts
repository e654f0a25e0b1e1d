/**
 * The coordinate check on the page: a row of log–log panels per parametrization, one panel per recorded step, one line
 * per layer (the readout last), each line's fitted slope in its legend entry. The numbers are coordCheck.ts's, drawn
 * as they are; what the panels show (Z, φ(Z), or Z at step 0 and Z − Z₀ after it) and in which measure is the
 * reader's view, and changing it redraws without computing.
 */
import { type CoordGroup, type CoordLine, coordinateCheck } from '../lab/coordCheck';
import type { ParametrizationKind } from '../lab/parametrization';
import type { TrainSeries } from '../lab/training';
import { el } from './dom';
import { LogLogChart, type LogMark } from './logLogChart';
import { colorOf } from './palette';
import { type KindCheck, slopeText } from './widthSentences';
import type { WidthView } from './widthUrl';

export const KIND_TITLES: Record<ParametrizationKind, string> = {
  standard: 'Standard parametrization',
  ntk: 'NTK parametrization',
  mup: 'μP',
};
export const MEASURE_WORDS: Record<WidthView['measure'], string> = { meanAbs: 'mean |x|', rms: 'RMS' };
const GAP_TEXT = { diverged: 'diverged', flagged: 'beyond float32', zero: 'exactly 0', absent: '' } as const;

/** One parametrization's training so far: every series of its width grid. */
export interface CoordRun {
  kind: ParametrizationKind;
  series: TrainSeries[];
}

const layerName = (layer: number, depth: number) => (layer === depth + 1 ? 'readout' : `layer ${layer}`);

/** What a panel at `step` shows in `view`: its quantity's name and the group it reads. */
function panelSource(view: WidthView, step: number, groups: Record<'pre' | 'post' | 'delta', CoordGroup>) {
  if (view.quantity === 'post') return { name: 'φ(Z)', group: groups.post };
  if (view.quantity === 'pre' || step === 0) return { name: 'Z', group: groups.pre };
  return { name: 'Z − Z₀', group: groups.delta };
}

export class CoordFigure {
  private readonly charts = new Map<string, LogLogChart>();
  private readonly rows = el('div', { className: 'coord-rows' });

  constructor(host: HTMLElement) {
    host.replaceChildren(this.rows);
  }

  /** Draws every run in `view`; returns each parametrization's check of Z and Z − Z₀ for the sentences. */
  show(runs: CoordRun[], depth: number, view: WidthView): KindCheck[] {
    const checks: KindCheck[] = [];
    const ids: string[] = [];
    const rows: HTMLElement[] = [];
    for (const run of runs) {
      const group = (of: 'pre' | 'post' | 'delta') => coordinateCheck(run.series, of, view.measure)[0];
      const groups = { pre: group('pre'), post: group('post'), delta: group('delta') };
      if (!groups.pre) continue;
      checks.push({ kind: run.kind, pre: groups.pre, delta: groups.delta });
      const panels = el('div', { className: 'coord-panels' });
      for (const { step } of groups.pre.panels) {
        const { name, group: source } = panelSource(view, step, groups);
        const panel = source.panels.find((p) => p.step === step);
        if (!panel) continue;
        const id = `coord-${run.kind}-${step}`;
        ids.push(id);
        const title = `${KIND_TITLES[run.kind]}, step ${step}: ${MEASURE_WORDS[view.measure]} of ${name}`;
        const chart = this.chart(id, title, `${MEASURE_WORDS[view.measure]} of ${name}`);
        this.draw(chart, title, source.widths, panel.lines, depth);
        panels.append(el('div', { className: 'coord-panel' }, [chart.host, chart.pngButton, chart.numbers]));
      }
      rows.push(el('div', { className: 'coord-row' }, [el('h3', { text: KIND_TITLES[run.kind] }), panels]));
    }
    for (const id of [...this.charts.keys()]) if (!ids.includes(id)) this.charts.delete(id);
    this.rows.replaceChildren(...rows);
    return checks;
  }

  restyle(): void {
    for (const chart of this.charts.values()) chart.render();
  }

  private chart(id: string, title: string, quantity: string): LogLogChart {
    const existing = this.charts.get(id);
    if (existing && existing.axes.y === quantity) return existing;
    const chart = new LogLogChart(id, el('div'), title, {
      x: 'width',
      y: quantity,
      xBase: 2,
    });
    this.charts.set(id, chart);
    return chart;
  }

  private draw(chart: LogLogChart, title: string, widths: number[], lines: CoordLine[], depth: number): void {
    const drawn = lines.filter((l) => l.gaps.some((g) => g !== 'absent'));
    const allZero = (line: CoordLine) => line.gaps.every((g) => g === 'zero');
    // A line that is 0 at every width (a readout started at 0; a layer no update has reached yet) says so in the key.
    const marks: LogMark[] = drawn.flatMap((line, i) =>
      line.gaps.flatMap((gap, w) =>
        gap && gap !== 'absent' && !allZero(line)
          ? [{ x: widths[w], y: null, color: colorOf(i), text: `${layerName(line.layer, depth)}: ${GAP_TEXT[gap]}` }]
          : [],
      ),
    );
    chart.show(
      title,
      widths,
      drawn.map((line, i) => ({
        label: `${layerName(line.layer, depth)} · ${line.fit ? `slope ${slopeText(line.fit)}` : allZero(line) ? 'exactly 0 at every width' : 'no slope: fewer than 2 widths'}`,
        color: colorOf(i),
        values: line.sizes.map((v) => (Number.isFinite(v) && v > 0 ? v : null)),
      })),
      marks,
    );
  }
}
