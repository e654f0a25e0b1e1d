import { compareSpectra, type SpectrumComparison } from './compareSpectra';
import { activationDifference, capturedMoments, relativeDifference } from './compareValues';
import { capturedPairCosines } from './pairs';
import {
  BACKWARD_QUANTITIES,
  type LayerStats,
  type Quantity,
  type RangeFlag,
  RESIDUAL_BACKWARD_QUANTITIES,
  RESIDUAL_FORWARD_QUANTITIES,
  type RunResult,
} from './results';
import type { Moments } from './stats';

export interface Tolerances {
  /** Largest relative difference allowed for a per-layer statistic. */
  statistic: number;
  /** Largest difference allowed for a captured pre-activation, relative to the layer's RMS. */
  activation: number;
}

/** 1e-4: the bar the GPU engine meets against the float64 reference (f32 sums over a few thousand terms stay near 1e-6). */
export const DEFAULT_TOLERANCES: Tolerances = { statistic: 1e-4, activation: 1e-4 };

export const STATISTICS = ['mean', 'var', 'meanSq'] as const;
export type Statistic = (typeof STATISTICS)[number];

export interface LayerComparison {
  series: number;
  label: string;
  layer: number;
  /** Relative differences of each statistic, pre- and post-activation. */
  pre: Record<Statistic, number>;
  post: Record<Statistic, number>;
  /** The same for ∂L/∂Z and ∂L/∂W, when compared (see the header); Infinity where the candidate lacks them. */
  grad?: Record<Statistic, number>;
  weightGrad?: Record<Statistic, number>;
  /** A residual block's figures, compared like the others when the reference has them. */
  stream?: Record<Statistic, number>;
  branch?: Record<Statistic, number>;
  streamGrad?: Record<Statistic, number>;
  branchWeightGrad?: Record<Statistic, number>;
  /** |Δ| of the mean cosine of a pairs input (from the captured pairs when statistics come from captured rows). */
  correlation?: number;
  /** Max relative pre-activation difference on captured rows; null when either run has no capture. */
  activation: number | null;
  /** Quantities either run flagged: listed, and left out of `pass` and of the worst difference. */
  notComparable: NotComparable[];
  /** Every comparable figure of the layer within tolerance. */
  pass: boolean;
}

/** A quantity of a layer that one run, or both, could not hold: not a measurement, so not compared. */
export interface NotComparable {
  quantity: Quantity;
  /** Each run's flags on it. */
  referenceFlags: RangeFlag[];
  candidateFlags: RangeFlag[];
  /** Each run's E[x²] of it, for the reader; null where the run lacks the quantity. */
  referenceMeanSq: number | null;
  candidateMeanSq: number | null;
}

export type Verdict = 'agree' | 'disagree' | 'agree-where-held';

export interface WorstEntry {
  series: number;
  label: string;
  layer: number;
  /** e.g. "pre.var" or "activation". */
  figure: string;
  difference: number;
  tolerance: number;
}

export type { SpectrumComparison } from './compareSpectra';

export interface Comparison {
  tolerances: Tolerances;
  /** With the Jacobian: each series' spectra compared; from the first trial's when the reference ran one. */
  spectra?: SpectrumComparison[];
  /** 'all': statistics as each run reported them; 'captured': both recomputed in float64 from the captured rows. */
  statisticsFrom: 'all' | 'captured';
  layers: LayerComparison[];
  /** The comparable figure farthest from its tolerance. */
  worst: WorstEntry | null;
  /** Every comparable figure within tolerance. */
  pass: boolean;
  /** No figure was left out as not comparable. */
  complete: boolean;
  verdict: Verdict;
}

export interface CompareOptions {
  /**
   * Set when the reference computed only the captured rows (RunOptions.rows = captureRows) while the candidate
   * computed the whole batch: statistics are then those of the captured rows of trial 0, for both runs.
   */
  referenceRows?: 'all' | 'captured';
}

const MISSING: Record<Statistic, number> = { mean: Infinity, var: Infinity, meanSq: Infinity };

function momentDifferences(candidate: Moments | undefined, reference: Moments): Record<Statistic, number> {
  if (!candidate) return { ...MISSING };
  return {
    mean: relativeDifference(candidate.mean, reference.mean, Math.sqrt(reference.meanSq)),
    var: relativeDifference(candidate.var, reference.var, reference.var),
    meanSq: relativeDifference(candidate.meanSq, reference.meanSq, reference.meanSq),
  };
}

/** The quantity as not comparable when either run flagged it, else nothing. */
function notComparableFigure(quantity: Quantity, reference: LayerStats, candidate: LayerStats): NotComparable[] {
  const referenceFlags = reference.flags.filter((f) => f.quantity === quantity);
  const candidateFlags = candidate.flags.filter((f) => f.quantity === quantity);
  if (!referenceFlags.length && !candidateFlags.length) return [];
  return [
    {
      quantity,
      referenceFlags,
      candidateFlags,
      referenceMeanSq: reference[quantity]?.meanSq ?? null,
      candidateMeanSq: candidate[quantity]?.meanSq ?? null,
    },
  ];
}

function sameRows(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((row, i) => row === b[i]);
}

export function compareRuns(
  reference: RunResult,
  candidate: RunResult,
  tolerances: Partial<Tolerances> = {},
  options: CompareOptions = {},
): Comparison {
  const tol: Tolerances = { ...DEFAULT_TOLERANCES, ...tolerances };
  const statisticsFrom = options.referenceRows ?? 'all';
  if (reference.series.length !== candidate.series.length) {
    throw new RangeError(`the runs have ${reference.series.length} and ${candidate.series.length} series`);
  }
  const captures =
    reference.capture && candidate.capture && sameRows(reference.capture.rows, candidate.capture.rows)
      ? { reference: reference.capture, candidate: candidate.capture }
      : null;
  if (statisticsFrom === 'captured' && !captures) {
    throw new RangeError('statistics from captured rows need both runs to capture the same rows');
  }

  const layers: LayerComparison[] = [];
  let worst: WorstEntry | null = null;
  const consider = (entry: WorstEntry) => {
    const ratio = entry.difference / entry.tolerance;
    if (!worst || ratio > worst.difference / worst.tolerance || Number.isNaN(ratio)) worst = entry;
  };

  reference.series.forEach((refSeries, s) => {
    const candSeries = candidate.series[s];
    refSeries.layers.forEach((refLayer, l) => {
      const candLayer = candSeries.layers[l];
      const refCaptured = captures?.reference.preActivations[s]?.[l];
      const candCaptured = captures?.candidate.preActivations[s]?.[l];
      const [refStats, candStats] =
        statisticsFrom === 'captured'
          ? [capturedMoments(reference.config, refCaptured!), capturedMoments(candidate.config, candCaptured!)]
          : [refLayer, candLayer];
      const pre = momentDifferences(candStats.pre, refStats.pre);
      const post = momentDifferences(candStats.post, refStats.post);
      const present = (quantities: readonly Quantity[]) =>
        quantities.flatMap((q) => (refLayer[q] ? [[q, momentDifferences(candLayer[q], refLayer[q]!)] as const] : []));
      // A residual block's stream and branch, and every backward figure, are compared where both runs hold all rows.
      const backward =
        statisticsFrom === 'all'
          ? present([...RESIDUAL_FORWARD_QUANTITIES, ...BACKWARD_QUANTITIES, ...RESIDUAL_BACKWARD_QUANTITIES])
          : [];
      const where = { series: s, label: refSeries.label, layer: refLayer.layer };
      const compared = [['pre', pre], ['post', post], ...backward] as const;
      const correlated = refLayer.correlation ? (['correlation'] as const) : [];
      const notComparable = [...compared.map(([q]) => q), ...correlated].flatMap((q) =>
        notComparableFigure(q, refLayer, candLayer),
      );
      // The mean cosines of the runs, over every pair or over the captured ones; Infinity where the candidate has none.
      const correlationDifference = (): number | null => {
        if (!refLayer.correlation) return null;
        if (statisticsFrom === 'all') {
          const candidateMean = candLayer.correlation?.mean;
          return candidateMean === undefined ? Infinity : Math.abs(candidateMean - refLayer.correlation.mean);
        }
        const width = reference.config.width;
        const rows = captures!.reference.rows;
        const [r, c] = [refCaptured!, candCaptured!].map((v) => capturedPairCosines(rows, v, width));
        return r.count ? Math.abs(c.mean - r.mean) : null;
      };
      const held = (q: Quantity) => !notComparable.some((n) => n.quantity === q);
      // Captured pre-activations mean nothing where either run could not hold Z.
      const activation =
        refCaptured && candCaptured && held('pre') ? activationDifference(candCaptured, refCaptured) : null;
      const correlation = held('pre') && held('correlation') ? correlationDifference() : null;
      const judged = compared.filter(([q]) => held(q));
      for (const [q, differences] of judged) {
        for (const k of STATISTICS)
          consider({ ...where, figure: `${q}.${k}`, difference: differences[k], tolerance: tol.statistic });
      }
      if (activation !== null)
        consider({ ...where, figure: 'activation', difference: activation, tolerance: tol.activation });
      if (correlation !== null)
        consider({ ...where, figure: 'correlation', difference: correlation, tolerance: tol.statistic });
      const statisticsPass = judged.every(([, differences]) =>
        STATISTICS.every((k) => differences[k] <= tol.statistic),
      );
      const pass =
        statisticsPass &&
        (activation === null || activation <= tol.activation) &&
        (correlation === null || correlation <= tol.statistic);
      const correlationEntry = correlation === null ? {} : { correlation };
      layers.push({
        ...where,
        pre,
        post,
        ...Object.fromEntries(backward),
        ...correlationEntry,
        activation,
        notComparable,
        pass,
      });
    });
  });
  const spectra = compareSpectra(reference, candidate, statisticsFrom === 'captured', tol.activation);
  for (const entry of spectra ?? [])
    consider({ ...entry, layer: reference.config.depth, figure: 'jacobian', tolerance: tol.activation });
  const pass = layers.every((l) => l.pass) && (spectra ?? []).every((e) => e.pass);
  const complete = layers.every((l) => l.notComparable.length === 0);
  const verdict: Verdict = !pass ? 'disagree' : complete ? 'agree' : 'agree-where-held';
  return { tolerances: tol, statisticsFrom, layers, ...(spectra ? { spectra } : {}), worst, pass, complete, verdict };
}
