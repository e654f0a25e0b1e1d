/**
 * What the section "Which bad starts normalization rescues" says, computed from its runs: per start, whether it trains
 * in the plain network and in the normalized ones (rescued: it fails plain and trains normalized); per start that
 * fails plain, what LayerNorm did to its forward signal and to its first updates; and which networks the reader's
 * engine refused. Plain functions, no DOM: `runs[n]` is network n's snapshot (rescueConfigs.ts's order, the plain one
 * first), its series the starts in order; a network not trained yet is undefined.
 */
import type { TrainLayerRecord, TrainSeries, TrainSnapshot } from '../lab/training';
import { formatNumber } from './format';
import { RESCUE_NETWORKS, RESCUE_STARTS } from './rescueConfigs';
import { outcomeText } from './trainingSentences';

export type RescueRuns = (TrainSnapshot | undefined)[];

const figure = (x: number) => formatNumber(x, 3);
const PLAIN = 0;
const LAYER_NORM = RESCUE_NETWORKS.findIndex((n) => n.id === 'layernorm');
const HE = RESCUE_STARTS.findIndex((s) => s.id === 'he');

/** "A, B and C". */
function list(items: string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The last finite train loss of a series. */
export const finalLoss = (series: TrainSeries) => series.history.at(-1)?.trainLoss ?? null;

/** "trained at step 160", "diverged at step 4", "stalled (train loss 0.69 → 0.69)". */
export function cellText(series: TrainSeries): string {
  const { status } = series.outcome;
  if (status === 'trained' || status === 'diverged') return outcomeText(series.outcome);
  const first = series.history[0]?.trainLoss;
  const last = finalLoss(series);
  return first === undefined || last === null ? status : `${status} (train loss ${figure(first)} → ${figure(last)})`;
}

/** Whether every network has trained to its end. */
export const allFinished = (runs: RescueRuns) =>
  RESCUE_NETWORKS.every((_, n) => runs[n]?.finished === true && runs[n]!.series.length === RESCUE_STARTS.length);

const trained = (series: TrainSeries) => series.outcome.status === 'trained';
const networkCell = (runs: RescueRuns, n: number, s: number) =>
  `${RESCUE_NETWORKS[n].label} ${cellText(runs[n]!.series[s])}`;

/** Per start, what normalization did for it. Only once every network has finished. */
export function rescueVerdict(runs: RescueRuns, s: number): string {
  const label = runs[PLAIN]!.series[s].label;
  const normalized = RESCUE_NETWORKS.map((_, n) => n).filter((n) => n !== PLAIN);
  const cells = list(normalized.map((n) => networkCell(runs, n, s)));
  const plain = networkCell(runs, PLAIN, s);
  if (trained(runs[PLAIN]!.series[s])) return `${label} needs no rescue: ${plain}; ${cells}.`;
  const rescued = normalized.filter((n) => trained(runs[n]!.series[s]));
  const failed = normalized.filter((n) => !trained(runs[n]!.series[s]));
  if (!failed.length) return `Normalization rescues ${label}: ${plain}, ${cells}.`;
  if (!rescued.length) return `Normalization does not rescue ${label}: ${plain}, ${cells}.`;
  const names = (ns: number[]) => list(ns.map((n) => RESCUE_NETWORKS[n].label));
  return `${names(rescued)} rescues ${label}, ${names(failed)} does not: ${plain}, ${cells}.`;
}

/** A layer's figure, unless the engine flagged it as beyond its precision. */
function unflagged(layer: TrainLayerRecord | undefined, quantity: 'post' | 'weightGrad'): number | null {
  if (!layer || layer.flags.some((f) => f.quantity === quantity)) return null;
  const value = quantity === 'post' ? layer.post?.meanSq : layer.weightGrad.meanSq;
  return value ?? null;
}

const said = (value: number | null) => (value === null ? 'a figure beyond the engine’s precision' : figure(value));

/**
 * For a start that fails in the plain network: E[H²] of the last hidden layer at step 0 in the plain network and with
 * LayerNorm (the forward signal LN(c·x) = LN(x) restores), then the first layer's gradient at step 0 and the update
 * ratio at the first evaluation after it, beside He's with LayerNorm (the scale normalization does not remove).
 */
export function signalSentence(runs: RescueRuns, s: number, depth: number): string {
  const [plain, normed, he] = [runs[PLAIN]!.series[s], runs[LAYER_NORM]!.series[s], runs[LAYER_NORM]!.series[HE]];
  const lastHidden = (series: TrainSeries) => unflagged(series.history[0]?.layers[depth - 1], 'post');
  const gradient = (series: TrainSeries) => unflagged(series.history[0]?.layers[0], 'weightGrad');
  const outcome = trained(normed)
    ? `and it ${outcomeText(normed.outcome)}`
    : `but not its training: it ${cellText(normed)}`;
  const parts = [
    `At step 0 the last hidden layer of ${plain.label} holds E[H²] = ${said(lastHidden(plain))} in the plain network ` +
      `and ${said(lastHidden(normed))} with LayerNorm: LayerNorm restores its forward signal, ${outcome}.`,
  ];
  const [first, heFirst] = [normed.history[1], he.history[1]];
  const ratio = first?.layers[0].updateRatio;
  const heRatio = heFirst?.layers[0].updateRatio;
  if (first && ratio != null && heRatio != null && first.step === heFirst.step)
    parts.push(
      `The gradient still carries its scale: with LayerNorm E[(∂L/∂W₁)²] starts at ${said(gradient(normed))} ` +
        `(He normal's ${said(gradient(he))}), and update ${first.step} moved W₁ by ` +
        `‖ΔW‖/‖W‖ = ${figure(ratio)} (He normal's ${figure(heRatio)}).`,
    );
  return parts.join(' ');
}

/** Every start's verdict, and the forward signal of those that fail plain; empty until every network has finished. */
export function rescueSummary(runs: RescueRuns, depth: number): string {
  if (!allFinished(runs)) return '';
  const verdicts = RESCUE_STARTS.map((_, s) => rescueVerdict(runs, s));
  const signals = RESCUE_STARTS.map((_, s) => s).filter((s) => !trained(runs[PLAIN]!.series[s]));
  return [...verdicts, ...signals.map((s) => signalSentence(runs, s, depth))].join(' ');
}

/** The networks the reader's engine refused, its reason (up to its advice to the terminal) and where they trained. */
export function refusalLine(refusals: { network: string; reason: string }[], fallback: string): string {
  if (!refusals.length) return '';
  const clause = (reason: string) => reason.split(';')[0].replace(/\.$/, '');
  const reasons = [...new Set(refusals.map((r) => clause(r.reason)))].map((r) => r[0].toLowerCase() + r.slice(1));
  const networks = list(refusals.map((r) => r.network));
  return `${networks} trained on the ${fallback.toUpperCase()} engine: ${reasons.join('; ')}.`;
}
