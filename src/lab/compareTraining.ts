/**
 * Compares two trainings of the same config (the GPU engine against the float64 CPU reference) entry by entry and
 * gives a verdict, as compare.ts does for runs at initialization. Pure: for the terminal's `--engine both` and the page.
 *
 * Every figure of every entry both runs recorded is compared, each against the scale that makes it meaningful:
 * losses, var, meanSq, mean |·|, the gradient's mean square and the update ratio relative to the reference's value; a
 * mean relative to the reference's √meanSq (it can cancel to ~0 while the layer is large); the coordinate check's
 * Z_t − Z_0 relative to Z's own size (a difference of two passes rounds like them); an accuracy in points of its set,
 * where one point may differ (a point whose two largest logits tie within float32's rounding can flip); an update
 * ratio relative to itself but never finer than float32 weights can hold a step (UPDATE_RATIO_FLOOR). A figure
 * either engine flagged as beyond its arithmetic, or a gradient that cancels to rounding in both (GRADIENT_RESOLUTION),
 * is not comparable.
 *
 * Only the entries of the first COMPARED_STEPS updates judge: training amplifies rounding (a ReLU that flips, a
 * minibatch near a sharp turn), so float32 and float64 trajectories part ways on a long run, and that says nothing
 * about either engine's arithmetic. Beyond them the comparison reports, per series, the first entry where some figure
 * leaves the tolerance: where the trajectories part ways.
 *
 * Tolerances, the bars issue 10 sets (stated for width 64, depth 4): 1e-4 relative with SGD — float32 rounds each
 * product near 1e-7 and a width-64 sum near 1e-6, and 20 updates carry that forward; 1e-3 with Adam — its update
 * m̂/(√v̂ + ε) divides by the gradient's own scale, so an element whose gradient is nearly 0 moves by about lr in a
 * direction float32's rounding can decide.
 * An entry one run recorded and the other did not (one series diverged first), or an update ratio one run could not
 * form, is not comparable: listed apart, giving the verdict "agree where both hold" when everything else agrees.
 */
import type { Verdict } from './compare';
import { relativeDifference } from './compareValues';
import { splitSizes } from './trainConfig';
import type { TrainHistoryEntry, TrainResult } from './training';

export const COMPARED_STEPS = 20;

/**
 * The updates a training's entries are judged up to. Adam on a residual BatchNorm network is judged on its first entry
 * alone (the initial network and its gradients): a block's unit whose φ' is the same on every row of a minibatch (a
 * ReLU active on all of them) has a bias gradient that is a column sum of ∂L/∂x_{l+1}, which BatchNorm makes exactly
 * 0, and Adam's m̂/(√v̂ + ε) turns an engine's rounding of that 0 into a step of about lr (float32's ~1e-9 is above
 * ε = 1e-8, float64's ~1e-17 is not), so the trajectories part from the first update whatever either engine's
 * arithmetic. Its later entries are listed apart, never judged.
 */
export function comparedSteps(config: Pick<TrainResult['config'], 'architecture' | 'train'>): number {
  const { architecture, train } = config;
  return train.optimizer.kind === 'adam' && architecture.kind === 'residual' && architecture.norm === 'batch'
    ? 0
    : COMPARED_STEPS;
}

/** The entries judged, in words: "the first 20 steps", or "step 0". */
export const judgedSpan = (comparison: Pick<TrainComparison, 'comparedSteps'>) =>
  comparison.comparedSteps ? `the first ${comparison.comparedSteps} steps` : 'step 0';

/** Why a training's entries after comparedSteps(config) = 0 are not judged. */
const ADAM_BATCH_NORM =
  'Adam on a residual BatchNorm network steps each bias whose gradient is 0 in exact arithmetic by an engine’s rounding: the runs part from the first update, judged at step 0 only';
export const TRAIN_TOLERANCES = { sgd: 1e-4, adam: 1e-3 } as const;
/**
 * The update ratio's own resolution in float32: W(t) is rounded to float32 after each update, so W(t) − W(t − 1) is off
 * by up to 2^-24·|W| per element and ‖ΔW‖/‖W‖ by up to 2^-24 — which is all of an update far smaller than W (a stalled
 * network's). Ratios are judged relative to their value, or this much absolutely, whichever is larger.
 */
export const UPDATE_RATIO_FLOOR = 2 ** -23;
/**
 * A layer's gradient is a sum over the gradients flowing back from the layers above it, rounded in float32 to about
 * 2^-24 of its terms. Where those terms cancel — every hidden layer of a symmetric start, whose gradient is exactly 0
 * in exact arithmetic — both engines return only rounding (float64 ~1e-28, float32 another tiny value or 0), which no
 * relative tolerance can judge. A gradient mean square below 2^-46 of the largest one above it in both runs is listed
 * apart as not comparable, never judged and never silently passed.
 */
export const GRADIENT_RESOLUTION = 2 ** -46;
/** Points of a set whose prediction may differ. */
export const ACCURACY_POINTS = 1;

export interface TrainDifference {
  series: number;
  label: string;
  step: number;
  /** e.g. "trainLoss", "layer 3 pre.var", "layer 5 updateRatio". */
  figure: string;
  difference: number;
  tolerance: number;
}

export interface TrainNotComparable {
  series: number;
  label: string;
  step: number;
  reason: string;
}

export interface TrainComparison {
  tolerance: number;
  comparedSteps: number;
  /** Figures judged (entries at steps ≤ comparedSteps that both runs recorded). */
  compared: number;
  /** The judged figure farthest from its tolerance. */
  worst: TrainDifference | null;
  /** Judged figures outside their tolerance. */
  failures: TrainDifference[];
  notComparable: TrainNotComparable[];
  /** Per series, the first entry over the whole run where a figure leaves its tolerance (null: never). */
  partWays: { series: number; label: string; step: number | null }[];
  verdict: Verdict;
}

const ratio = (d: { difference: number; tolerance: number }) =>
  Number.isNaN(d.difference) ? Infinity : d.difference / d.tolerance;

/** For each layer, the largest of the values of the layers after it (0 for the last). */
function largestAbove(values: number[]): number[] {
  const above = new Array<number>(values.length).fill(0);
  for (let l = values.length - 2; l >= 0; l--) above[l] = Math.max(above[l + 1], values[l + 1]);
  return above;
}

/** Every figure of an entry pair as [figure, difference, tolerance]; null ratios that one run lacks are thrown out. */
function entryFigures(
  reference: TrainHistoryEntry,
  candidate: TrainHistoryEntry,
  tolerance: number,
  rows: { train: number; test: number },
): { figures: [string, number, number][]; missing: string[] } {
  const figures: [string, number, number][] = [
    ['trainLoss', relativeDifference(candidate.trainLoss, reference.trainLoss, reference.trainLoss), tolerance],
    ['testLoss', relativeDifference(candidate.testLoss, reference.testLoss, reference.testLoss), tolerance],
  ];
  const missing: string[] = [];
  for (const [set, r, c] of [
    ['train', reference.trainAccuracy, candidate.trainAccuracy],
    ['test', reference.testAccuracy, candidate.testAccuracy],
  ] as const) {
    // An accuracy is a count of points over the set's size: round away the division's last bit.
    if (r !== null && c !== null)
      figures.push([`${set}Accuracy`, Math.round(Math.abs(c - r) * rows[set]), ACCURACY_POINTS]);
  }
  const gradientAbove = largestAbove(reference.layers.map((layer) => layer.weightGrad.meanSq));
  reference.layers.forEach((ref, l) => {
    const cand = candidate.layers[l];
    const at = `layer ${ref.layer}`;
    const flagged = (quantity: string) => {
      const held = ![...ref.flags, ...cand.flags].some((f) => f.quantity === quantity);
      if (!held) missing.push(`${at} ${quantity}: flagged beyond an engine's arithmetic`);
      return !held;
    };
    if (!flagged('pre'))
      figures.push(
        [`${at} pre.mean`, relativeDifference(cand.pre.mean, ref.pre.mean, Math.sqrt(ref.pre.meanSq)), tolerance],
        [`${at} pre.var`, relativeDifference(cand.pre.var, ref.pre.var, ref.pre.var), tolerance],
        [`${at} pre.meanSq`, relativeDifference(cand.pre.meanSq, ref.pre.meanSq, ref.pre.meanSq), tolerance],
        [`${at} pre.meanAbs`, relativeDifference(cand.pre.meanAbs, ref.pre.meanAbs, ref.pre.meanAbs), tolerance],
      );
    const resolution = GRADIENT_RESOLUTION * gradientAbove[l];
    const cancels = ref.weightGrad.meanSq < resolution && cand.weightGrad.meanSq < resolution;
    if (!flagged('weightGrad')) {
      if (cancels)
        missing.push(`${at} weightGrad.meanSq: both runs below float32's resolution of the gradients above it`);
      else
        figures.push([
          `${at} weightGrad.meanSq`,
          relativeDifference(cand.weightGrad.meanSq, ref.weightGrad.meanSq, ref.weightGrad.meanSq),
          tolerance,
        ]);
    }
    if (ref.post && cand.post)
      figures.push(
        [`${at} post.meanAbs`, relativeDifference(cand.post.meanAbs, ref.post.meanAbs, ref.post.meanAbs), tolerance],
        [`${at} post.meanSq`, relativeDifference(cand.post.meanSq, ref.post.meanSq, ref.post.meanSq), tolerance],
      );
    // A mean relative to the root of `scale`, a mean square relative to `scale`.
    const centred = (name: string, r: { mean: number; meanSq: number }, c: typeof r, scale: number) =>
      figures.push(
        [`${at} ${name}.mean`, relativeDifference(c.mean, r.mean, Math.sqrt(scale)), tolerance],
        [`${at} ${name}.meanSq`, relativeDifference(c.meanSq, r.meanSq, scale), tolerance],
      );
    if (ref.stream && cand.stream) centred('stream', ref.stream, cand.stream, ref.stream.meanSq);
    // The branch is a term of the stream: its rounding is the stream's size, so the stream's scale is its scale.
    if (ref.branch && cand.branch && ref.stream) centred('branch', ref.branch, cand.branch, ref.stream.meanSq);
    // Z_t − Z_0 is a difference of two passes: its rounding is the size of Z's, so Z's size is its scale.
    if (ref.delta && cand.delta)
      figures.push(
        [`${at} delta.meanAbs`, relativeDifference(cand.delta.meanAbs, ref.delta.meanAbs, ref.pre.meanAbs), tolerance],
        [`${at} delta.meanSq`, relativeDifference(cand.delta.meanSq, ref.delta.meanSq, ref.pre.meanSq), tolerance],
      );
    if (ref.updateRatio !== null && cand.updateRatio !== null) {
      const scale = Math.max(ref.updateRatio, UPDATE_RATIO_FLOOR / tolerance);
      figures.push([`${at} updateRatio`, relativeDifference(cand.updateRatio, ref.updateRatio, scale), tolerance]);
    } else if (ref.updateRatio !== cand.updateRatio) missing.push(`${at} updateRatio: null in one run`);
  });
  return { figures, missing };
}

export function compareTraining(reference: TrainResult, candidate: TrainResult): TrainComparison {
  if (reference.series.length !== candidate.series.length)
    throw new RangeError(`the runs have ${reference.series.length} and ${candidate.series.length} series`);
  const tolerance = TRAIN_TOLERANCES[reference.config.train.optimizer.kind];
  const rows = splitSizes(reference.config.train.dataset);
  const judgedUpTo = comparedSteps(reference.config);
  const failures: TrainDifference[] = [];
  const notComparable: TrainNotComparable[] = [];
  let worst: TrainDifference | null = null;
  let compared = 0;
  const partWays = reference.series.map((refSeries, s) => {
    const label = refSeries.label;
    const candidates = new Map(candidate.series[s].history.map((e) => [e.step, e]));
    const steps = new Set([...refSeries.history.map((e) => e.step), ...candidates.keys()]);
    let parted: number | null = null;
    for (const step of [...steps].sort((a, b) => a - b)) {
      const ref = refSeries.history.find((e) => e.step === step);
      const cand = candidates.get(step);
      const judged = step <= judgedUpTo;
      // Said once per series, at its first entry left unjudged.
      if (
        judgedUpTo < COMPARED_STEPS &&
        !judged &&
        !notComparable.some((n) => n.series === s && n.reason === ADAM_BATCH_NORM)
      )
        notComparable.push({ series: s, label, step, reason: ADAM_BATCH_NORM });
      if (!ref || !cand) {
        const reason = `only the ${ref ? 'reference' : 'candidate'} recorded this entry (the other diverged first)`;
        if (judged) notComparable.push({ series: s, label, step, reason });
        continue;
      }
      const { figures, missing } = entryFigures(ref, cand, tolerance, rows);
      if (judged) for (const figure of missing) notComparable.push({ series: s, label, step, reason: figure });
      for (const [figure, difference, allowed] of figures) {
        const entry = { series: s, label, step, figure, difference, tolerance: allowed };
        if (ratio(entry) > 1) parted ??= step;
        if (!judged) continue;
        compared++;
        if (ratio(entry) > 1) failures.push(entry);
        if (!worst || ratio(entry) > ratio(worst)) worst = entry;
      }
    }
    return { series: s, label, step: parted };
  });
  const verdict: Verdict = failures.length ? 'disagree' : notComparable.length ? 'agree-where-held' : 'agree';
  return { tolerance, comparedSteps: judgedUpTo, compared, worst, failures, notComparable, partWays, verdict };
}
