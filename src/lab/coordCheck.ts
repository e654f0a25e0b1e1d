/**
 * μP's coordinate check (Tensor Programs V; the `mup` package's coord_check): the size of a typical coordinate of
 * every layer's values against width, at initialization and after each of the first few updates. On log–log axes a
 * parametrization that is right keeps every line flat; one that grows with width has a positive slope. Built from a
 * training over a width grid (grid.ts) recorded at every step: each series of one initializer, depth and learning rate
 * at each width is one point.
 */
import type { TrainHistoryEntry, TrainSeries } from './training';

/** Which values of a layer, and which size of them: mean |x| (mup's l1) or the root mean square. */
export type CoordQuantity = 'pre' | 'post' | 'delta';
export type CoordMeasure = 'meanAbs' | 'rms';

/** A least-squares line through (log2 width, log2 size), with the standard error of its slope. */
export interface SlopeFit {
  slope: number;
  /** Null with two points: a line through two points has no residual to judge it by. */
  stderr: number | null;
}

export function fitSlope(widths: number[], sizes: number[]): SlopeFit {
  const x = widths.map(Math.log2);
  const y = sizes.map(Math.log2);
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  const sxx = x.reduce((sum, xi) => sum + (xi - mx) ** 2, 0);
  const slope = x.reduce((sum, xi, i) => sum + (xi - mx) * (y[i] - my), 0) / sxx;
  if (n < 3) return { slope, stderr: null };
  const residual = y.reduce((sum, yi, i) => sum + (yi - my - slope * (x[i] - mx)) ** 2, 0);
  return { slope, stderr: Math.sqrt(residual / (n - 2) / sxx) };
}

/** One layer's line in one panel: its sizes at each width and their fitted slope (null where a size is not > 0). */
export interface CoordLine {
  layer: number;
  sizes: number[];
  fit: SlopeFit | null;
}

/** One panel: a step, every layer's line over the widths. */
export interface CoordPanel {
  step: number;
  lines: CoordLine[];
}

/** The coordinate check of one group of series (one initializer, depth and learning rate over the widths). */
export interface CoordGroup {
  /** The series' label without its width. */
  label: string;
  widths: number[];
  panels: CoordPanel[];
}

function sizeOf(entry: TrainHistoryEntry, layer: number, of: CoordQuantity, measure: CoordMeasure): number | null {
  const record = entry.layers[layer];
  const values = of === 'pre' ? { meanAbs: record.pre.meanAbs, meanSq: record.pre.meanSq } : record[of];
  if (!values || record.flags.some((f) => f.quantity === of)) return null;
  return measure === 'meanAbs' ? values.meanAbs : Math.sqrt(values.meanSq);
}

/** The key of a series' group: everything but its width. */
const groupKey = (s: TrainSeries) => JSON.stringify([s.init, s.depth, s.lr, s.parametrization]);

/**
 * The coordinate check of a training over a width grid: per group, per step every series recorded, per layer the
 * sizes against width and their slope. A series that diverged before a step leaves that step out of its group.
 */
export function coordinateCheck(series: TrainSeries[], of: CoordQuantity, measure: CoordMeasure): CoordGroup[] {
  const groups = new Map<string, TrainSeries[]>();
  for (const s of series) groups.set(groupKey(s), [...(groups.get(groupKey(s)) ?? []), s]);
  return [...groups.values()].map((members) => {
    const sorted = [...members].sort((a, b) => (a.width ?? 0) - (b.width ?? 0));
    const widths = sorted.map((s) => s.width ?? Number.NaN);
    const steps = sorted[0].history
      .map((e) => e.step)
      .filter((step) => sorted.every((s) => s.history.some((e) => e.step === step)));
    const layers = sorted[0].history[0]?.layers.length ?? 0;
    const panels = steps.map((step) => {
      const entries = sorted.map((s) => s.history.find((e) => e.step === step)!);
      const lines = Array.from({ length: layers }, (_, l) => {
        const sizes = entries.map((e) => sizeOf(e, l, of, measure));
        const held = sizes.every((v): v is number => v !== null && v > 0 && Number.isFinite(v));
        return {
          layer: l + 1,
          sizes: sizes.map((v) => v ?? Number.NaN),
          fit: held && widths.length > 1 ? fitSlope(widths, sizes as number[]) : null,
        };
      });
      return { step, lines };
    });
    return { label: sorted[0].label.replace(/ · n = \d+/, ''), widths, panels };
  });
}
