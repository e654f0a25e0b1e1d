/**
 * The width section's sentences, computed from what its figures measured: which layers keep their size as the width
 * grows (a fitted slope near 0), which grow, and where each width's best learning rate lies. Plain functions of the
 * coordinate check and the learning-rate curves, with no DOM, so that each sentence is tested like any other
 * computation and never states a number the figure could contradict.
 */
import { compareTraining } from '../lab/compareTraining';
import type { CoordGroup, CoordLine, SlopeFit } from '../lab/coordCheck';
import type { LrCurve } from '../lab/lrTransfer';
import { PARAMETRIZATIONS, type ParametrizationKind } from '../lab/parametrization';
import type { TrainResult } from '../lab/training';
import { formatNumber } from './format';

/**
 * A slope within ±LEVEL_SLOPE counts as level: over the default 16-fold range of widths such a line changes by less
 * than 2× from end to end, about what one network's sampling noise moves the narrowest widths; a slope of 1 is 16×.
 */
export const LEVEL_SLOPE = 0.25;

export const KIND_NAMES: Record<ParametrizationKind, string> = {
  standard: 'the standard parametrization',
  ntk: 'NTK',
  mup: 'μP',
};

/** One parametrization's coordinate check, of Z and of Z − Z₀, in the measure the figure shows. */
export interface KindCheck {
  kind: ParametrizationKind;
  pre: CoordGroup;
  delta: CoordGroup;
}

type Trend = 'level' | 'grows' | 'shrinks';
const trendOf = (fit: SlopeFit): Trend =>
  Math.abs(fit.slope) <= LEVEL_SLOPE ? 'level' : fit.slope > 0 ? 'grows' : 'shrinks';
const WORDS: Record<Trend, string> = { level: 'stays level', grows: 'grows with width', shrinks: 'shrinks with width' };

/** Two decimals with a true minus sign, and no sign on a value that rounds to 0. */
const signed = (x: number) => `${x <= -0.005 ? '−' : ''}${Math.abs(x).toFixed(2)}`;

/** A fitted slope as the legends and the sentences write it: two decimals, ± its standard error from three widths. */
export function slopeText(fit: SlopeFit): string {
  return `${signed(fit.slope)}${fit.stderr === null ? '' : ` ± ${fit.stderr.toFixed(2)}`}`;
}
const range = (fits: SlopeFit[]) => {
  const slopes = fits.map((f) => f.slope);
  const [lo, hi] = [Math.min(...slopes), Math.max(...slopes)];
  return lo === hi ? signed(lo) : `${signed(lo)} to ${signed(hi)}`;
};

const panelAt = (group: CoordGroup, step: number) => group.panels.find((p) => p.step === step);
const fitted = (lines: CoordLine[]) => lines.flatMap((l) => (l.fit ? [{ layer: l.layer, fit: l.fit }] : []));

/** At step 0: whether He keeps every hidden layer's Z level in width in each parametrization shown. */
export function initSentence(checks: KindCheck[], depth: number, measure: string): string {
  const hidden = checks.flatMap((c) => {
    const panel = panelAt(c.pre, 0);
    return panel ? fitted(panel.lines.slice(0, depth)).map((f) => ({ ...f, kind: c.kind })) : [];
  });
  if (!hidden.length) return '';
  const off = hidden.filter((h) => trendOf(h.fit) !== 'level');
  const shown = checks.length > 1 ? 'in every parametrization shown' : `in ${KIND_NAMES[checks[0].kind]}`;
  const lead = `At initialization (step 0), the ${measure} of Z in every hidden layer`;
  if (!off.length)
    return `${lead} is level in width ${shown}: the fitted slopes are ${range(hidden.map((h) => h.fit))}.`;
  const listed = off.map((h) => `${KIND_NAMES[h.kind]}, layer ${h.layer} (slope ${slopeText(h.fit)})`).join('; ');
  return `${lead} is level in width ${shown} except ${listed}.`;
}

/** One parametrization's change since initialization after the first update and after the last. */
function updateClause(check: KindCheck, depth: number, last: number): string | null {
  const first = panelAt(check.delta, 1);
  const readout = first?.lines[depth]?.fit;
  if (!first || !readout) return null;
  const later = last > 1 ? panelAt(check.delta, last)?.lines[depth]?.fit : null;
  const after = later ? `; ${slopeText(later)} after step ${last}` : '';
  const hidden = fitted(first.lines.slice(0, depth)).map((h) => h.fit);
  const trends = new Set(hidden.map(trendOf));
  const hiddenText = !hidden.length
    ? ''
    : trends.size === 1
      ? `, and every hidden layer's ${WORDS[[...trends][0]]} (slopes ${range(hidden)})`
      : `, while the hidden layers' slopes range over ${range(hidden)}`;
  return `in ${KIND_NAMES[check.kind]} the readout's ${WORDS[trendOf(readout)]} (slope ${slopeText(readout)}${after})${hiddenText}`;
}

/** After the first update: how each parametrization's change Z − Z₀ scales with width, the readout's first. */
export function updateSentence(checks: KindCheck[], depth: number, steps: number, measure: string): string {
  const clauses = checks.flatMap((c) => updateClause(c, depth, steps) ?? []);
  if (!clauses.length) return '';
  return `After the first update, in the ${measure} of Z − Z₀: ${clauses.join('; ')}.`;
}

/** μP's readout at initialization: its variance is 1/m of the standard one, unless it starts at 0. */
export function readoutSentence(checks: KindCheck[], depth: number, readoutZero: boolean): string {
  const mup = checks.find((c) => c.kind === 'mup');
  if (!mup) return '';
  if (readoutZero)
    return "Here every readout starts at exactly 0 (mup's recommendation, the control “readout starts at 0”), so no parametrization has a readout line at step 0, and each later one is the readout's updates alone.";
  const fit = panelAt(mup.pre, 0)?.lines[depth]?.fit;
  if (!fit) return '';
  // The readout's output variance is m^initVariance · (m^multiplier)² times the standard one's; its size goes as the root.
  const { initVariance, multiplier } = PARAMETRIZATIONS.mup.readout;
  const expected = { slope: (initVariance + 2 * multiplier) / 2, stderr: null };
  return `μP's readout at step 0 ${WORDS[trendOf(fit)]}: slope ${slopeText(fit)}, where its initial variance and output multiplier (the table above) predict ${slopeText(expected)}. mup starts the readout at 0 instead (the control “readout starts at 0”), which removes this initial output.`;
}

/** A learning rate as the lists write it. */
const lr = (x: number) => String(Number(x.toPrecision(3)));

/** Where each width's best learning rate lies in one parametrization, and how far it moves from narrowest to widest. */
function transferClause(kind: ParametrizationKind, curves: LrCurve[]): string | null {
  const found = curves.filter((c) => c.best !== null);
  if (!found.length) return null;
  const bests = found.map((c) => c.best as number);
  const where =
    new Set(bests).size === 1 && found.length === curves.length
      ? `${lr(bests[0])} at every width`
      : found.map((c) => `${lr(c.best as number)} at width ${c.width}`).join(', ');
  const ratio = bests[bests.length - 1] / bests[0];
  const moves =
    ratio === 1
      ? ''
      : `: ${formatNumber(ratio > 1 ? ratio : 1 / ratio, 2)}× ${ratio > 1 ? 'larger' : 'smaller'} at width ${found[found.length - 1].width} than at ${found[0].width}`;
  const edges = found.filter((c) => c.bestAtEdge).map((c) => c.width);
  const edge = edges.length
    ? ` (at width${edges.length > 1 ? 's' : ''} ${edges.join(', ')} the best is the grid's first or last learning rate: the optimum may lie beyond)`
    : '';
  const runs = curves.flatMap((c) => c.points);
  const diverged = runs.filter((p) => p.divergedAt !== null).length;
  const divergedText = diverged ? `; ${diverged} of ${runs.length} runs diverged` : '';
  return `in ${KIND_NAMES[kind]} the best learning rate is ${where}${moves}${edge}${divergedText}`;
}

/** What the learning-rate transfer measured, parametrization by parametrization. */
export function transferSentence(results: { kind: ParametrizationKind; curves: LrCurve[] }[], steps: number): string {
  const clauses = results.flatMap((r) => transferClause(r.kind, r.curves) ?? []);
  if (!clauses.length) return '';
  return `After ${steps} steps, ${clauses.join('; ')}.`;
}

/** The drawn coordinate checks against the float64 CPU trainer's of the same configs (engine "both"), per parametrization. */
export function referenceSentence(drawn: TrainResult[], references: TrainResult[]): string {
  const parts = drawn.map((result, i) => {
    const c = compareTraining(references[i], result);
    const kind = KIND_NAMES[result.config.parametrization.kind];
    const w = c.worst;
    if (c.verdict === 'disagree' && w)
      return `${kind} disagrees beyond ${c.tolerance} (worst: step ${w.step}, ${w.figure}, ${formatNumber(w.difference, 2)})`;
    const apart = c.notComparable.length;
    const where = c.verdict === 'agree' ? 'agrees' : 'agrees where both hold';
    return `${kind} ${where}: all ${c.compared} figures within ${c.tolerance} relative${apart ? `; ${apart} not comparable (below what float32 resolves, or recorded by one engine only)` : ''}`;
  });
  return `Against the float64 CPU trainer on the same networks: ${parts.join('. ')}.`;
}
