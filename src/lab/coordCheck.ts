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

/**
 * Why a width has no size on a line: its series diverged before this step (nothing non-finite is recorded), the
 * engine flagged the figure as beyond its arithmetic (not a measurement), the size is 0 (a readout started at 0; a log
 * axis has no place for it), or the layer has no such values (the readout has no φ; Z − Z₀ needs train.coordCheck).
 */
export type CoordGap = 'diverged' | 'flagged' | 'zero' | 'absent';

/**
 * One layer's line in one panel: its sizes at each width (NaN where `gaps` says why not) and their fitted slope over
 * the widths that have one (null with fewer than two).
 */
export interface CoordLine {
  layer: number;
  sizes: number[];
  gaps: (CoordGap | null)[];
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

function sizeOf(
  entry: TrainHistoryEntry | undefined,
  layer: number,
  of: CoordQuantity,
  measure: CoordMeasure,
): { size: number; gap: CoordGap | null } {
  if (!entry) return { size: Number.NaN, gap: 'diverged' };
  const record = entry.layers[layer];
  const values = of === 'pre' ? { meanAbs: record.pre.meanAbs, meanSq: record.pre.meanSq } : record[of];
  if (!values) return { size: Number.NaN, gap: 'absent' };
  if (record.flags.some((f) => f.quantity === of)) return { size: Number.NaN, gap: 'flagged' };
  const size = measure === 'meanAbs' ? values.meanAbs : Math.sqrt(values.meanSq);
  return size > 0 ? { size, gap: null } : { size, gap: 'zero' };
}

/** The key of a series' group: everything but its width. */
const groupKey = (s: TrainSeries) => JSON.stringify([s.init, s.depth, s.lr, s.parametrization]);

/**
 * The coordinate check of a training over a width grid: per group, per step any series recorded, per layer the sizes
 * against width and their slope. A series that diverged before a step has a gap there, and the slope is fitted over
 * the widths that remain.
 */
export function coordinateCheck(series: TrainSeries[], of: CoordQuantity, measure: CoordMeasure): CoordGroup[] {
  const groups = new Map<string, TrainSeries[]>();
  for (const s of series) groups.set(groupKey(s), [...(groups.get(groupKey(s)) ?? []), s]);
  return [...groups.values()].map((members) => {
    const sorted = [...members].sort((a, b) => (a.width ?? 0) - (b.width ?? 0));
    const widths = sorted.map((s) => s.width ?? Number.NaN);
    const steps = [...new Set(sorted.flatMap((s) => s.history.map((e) => e.step)))].sort((a, b) => a - b);
    const layers = Math.max(0, ...sorted.map((s) => s.history[0]?.layers.length ?? 0));
    const panels = steps.map((step) => {
      const entries = sorted.map((s) => s.history.find((e) => e.step === step));
      const lines = Array.from({ length: layers }, (_, l): CoordLine => {
        const found = entries.map((e) => sizeOf(e, l, of, measure));
        const held = found.flatMap((f, i) => (f.gap === null ? [i] : []));
        return {
          layer: l + 1,
          sizes: found.map((f) => (f.gap === null || f.gap === 'zero' ? f.size : Number.NaN)),
          gaps: found.map((f) => f.gap),
          fit:
            held.length > 1
              ? fitSlope(
                  held.map((i) => widths[i]),
                  held.map((i) => found[i].size),
                )
              : null,
        };
      });
      return { step, lines };
    });
    return { label: sorted[0].label.replace(/ · n = \d+/, ''), widths, panels };
  });
}
