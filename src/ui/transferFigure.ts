/**
 * Learning-rate transfer on the page: per parametrization, the train loss after the last step against the learning
 * rate (log axis), one line per width, each width's best learning rate ringed and named in the legend; a run that
 * diverged has no point, and a mark at the top edge says so. The curves are lrTransfer.ts's, drawn as they are.
 */
import type { LrCurve } from '../lab/lrTransfer';
import type { ParametrizationKind } from '../lab/parametrization';
import { KIND_TITLES } from './coordFigure';
import { el } from './dom';
import { LogLogChart, type LogMark } from './logLogChart';
import { colorOf } from './palette';

export interface TransferRun {
  kind: ParametrizationKind;
  curves: LrCurve[];
}

const lrText = (lr: number) => String(Number(lr.toPrecision(3)));

export class TransferFigure {
  private readonly charts = new Map<ParametrizationKind, LogLogChart>();
  private readonly panels = el('div', { className: 'transfer-panels' });

  constructor(host: HTMLElement) {
    host.replaceChildren(this.panels);
  }

  show(runs: TransferRun[], steps: number): void {
    const hosts: HTMLElement[] = [];
    for (const { kind, curves } of runs) {
      const chart = this.chart(kind);
      const lrs = [...new Set(curves.flatMap((c) => c.points.map((p) => p.lr)))].sort((a, b) => a - b);
      const marks: LogMark[] = curves.flatMap((curve, i) => {
        const best = curve.points.find((p) => p.lr === curve.best);
        const ring: LogMark[] = best
          ? [{ x: best.lr, y: best.loss, color: colorOf(i), text: `best at width ${curve.width}`, ring: true }]
          : [];
        const diverged = curve.points.flatMap((p) =>
          p.divergedAt === null
            ? []
            : [{ x: p.lr, y: null, color: colorOf(i), text: `n = ${curve.width}: diverged at step ${p.divergedAt}` }],
        );
        return [...ring, ...diverged];
      });
      chart.show(
        `${KIND_TITLES[kind]}: train loss after ${steps} steps`,
        lrs,
        curves.map((curve, i) => ({
          label: `n = ${curve.width} · best lr ${curve.best === null ? 'none (every run diverged)' : lrText(curve.best)}`,
          color: colorOf(i),
          values: lrs.map((lr) => curve.points.find((p) => p.lr === lr)?.loss ?? null),
        })),
        marks,
      );
      hosts.push(el('div', { className: 'transfer-panel' }, [chart.host, chart.pngButton, chart.numbers]));
    }
    this.panels.replaceChildren(...hosts);
  }

  restyle(): void {
    for (const chart of this.charts.values()) chart.render();
  }

  private chart(kind: ParametrizationKind): LogLogChart {
    const existing = this.charts.get(kind);
    if (existing) return existing;
    const chart = new LogLogChart(`transfer-${kind}`, el('div'), `${KIND_TITLES[kind]}: train loss`, {
      x: 'learning rate',
      y: 'train loss',
      xBase: 10,
    });
    this.charts.set(kind, chart);
    return chart;
  }
}
