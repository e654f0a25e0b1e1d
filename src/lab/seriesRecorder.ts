/**
 * How both engines build a series' per-layer results: each trial's moments of each quantity are recorded as they are
 * measured, with any range flags, and summarized over the trials at the end. A quantity a run did not measure
 * (the backward pass's, without `backward`) is absent from the result.
 */
import { type LayerStats, QUANTITIES, type Quantity, type RangeFlag } from './results';
import type { Moments } from './stats';
import { summarizeTrials } from './stats';

interface LayerRecord {
  trials: Record<Quantity, Moments[]>;
  flags: RangeFlag[];
}

export class SeriesRecorder {
  private readonly records: LayerRecord[];

  constructor(depth: number) {
    this.records = Array.from({ length: depth }, () => ({
      trials: Object.fromEntries(QUANTITIES.map((q) => [q, []])) as unknown as Record<Quantity, Moments[]>,
      flags: [],
    }));
  }

  /** One trial's moments of `quantity` at layer index `layer` (0-based). */
  record(layer: number, quantity: Quantity, moments: Moments): void {
    this.records[layer].trials[quantity].push(moments);
  }

  /** Flags of layer index `layer`, each kept once whichever trials and chunks raised it. */
  flag(layer: number, flags: readonly RangeFlag[]): void {
    const target = this.records[layer].flags;
    for (const f of flags) {
      if (!target.some((t) => t.quantity === f.quantity && t.kind === f.kind && t.precision === f.precision)) {
        target.push(f);
      }
    }
  }

  layers(): LayerStats[] {
    return this.records.map((r, i) => {
      const summary = (q: Quantity) => (r.trials[q].length ? { [q]: summarizeTrials(r.trials[q]) } : {});
      // The JSON's order: the forward figures, the flags, then the backward figures.
      return {
        layer: i + 1,
        ...summary('pre'),
        ...summary('post'),
        ...summary('stream'),
        ...summary('branch'),
        ...summary('correlation'),
        flags: r.flags,
        ...summary('grad'),
        ...summary('weightGrad'),
        ...summary('streamGrad'),
        ...summary('branchWeightGrad'),
      } as LayerStats;
    });
  }
}
