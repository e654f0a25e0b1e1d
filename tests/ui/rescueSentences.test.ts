/**
 * The sentences and table of "Which bad starts normalization rescues" are computed from the outcomes: a start is
 * rescued when it fails plain and trains normalized, said not to be when it fails in every network, and each number
 * quoted is the history's own. Histories here are made up, so that every verdict is reached.
 */
import { describe, expect, it } from 'vitest';
import type { TrainHistoryEntry, TrainOutcome, TrainSeries, TrainSnapshot } from '../../src/lab/training';
import { RESCUE_NETWORKS, RESCUE_SHAPE } from '../../src/ui/rescueConfigs';
import {
  cellText,
  type RescueRuns,
  refusalLine,
  rescueSummary,
  rescueVerdict,
  signalSentence,
} from '../../src/ui/rescueSentences';
import { rescueRows } from '../../src/ui/rescueTable';

const LABELS = ['σ = 0.01', 'He normal', 'σ = 1'];
const depth = RESCUE_SHAPE.depth;

/** An entry whose hidden layers hold E[H²] = post, whose first layer's gradient is `grad` and last update `ratio`. */
function entry(step: number, trainLoss: number, post: number, grad: number, ratio: number | null): TrainHistoryEntry {
  const layers = Array.from({ length: depth + 1 }, (_, l) => ({
    layer: l + 1,
    pre: { mean: 0, var: 1, meanSq: 1, meanAbs: 1 },
    post: l < depth ? { meanAbs: 1, meanSq: post } : null,
    weightGrad: { meanSq: grad },
    updateRatio: ratio,
    flags: [],
  }));
  return { step, trainLoss, testLoss: trainLoss, trainAccuracy: 0.5, testAccuracy: 0.75, layers } as TrainHistoryEntry;
}

function series(label: string, outcome: TrainOutcome, losses: number[], post = 0.5, grad = 1e-4): TrainSeries {
  const history = losses.map((loss, i) => entry(i * 20, loss, post, grad, i === 0 ? null : 1e-3 * (i + 1)));
  return { label, init: { kind: 'he-normal' }, history, outcome };
}

const snapshot = (all: TrainSeries[]): TrainSnapshot => ({ step: 300, finished: true, series: all });
const stalled: TrainOutcome = { status: 'stalled', step: null };
const trainedAt = (step: number): TrainOutcome => ({ status: 'trained', step });

/** Plain: σ = 0.01 stalls with no signal, He trains, σ = 1 diverges; LayerNorm: σ = 0.01 stalls, the rest train. */
function grid(): RescueRuns {
  return [
    snapshot([
      series(LABELS[0], stalled, [Math.LN2, Math.LN2], 1e-20, 1e-25),
      series(LABELS[1], trainedAt(240), [0.72, 0.15]),
      series(LABELS[2], { status: 'diverged', step: 4 }, [3.5e5], 1.3e8, 2.6e8),
    ]),
    snapshot([
      series(LABELS[0], stalled, [0.692, 0.694], 0.47, 0.0023),
      series(LABELS[1], trainedAt(280), [0.74, 0.17], 0.5, 0.0002),
      series(LABELS[2], trainedAt(160), [3.5, 0.12], 0.5, 0.012),
    ]),
    snapshot([
      series(LABELS[0], { status: 'unfinished', step: null }, [0.695, 0.55]),
      series(LABELS[1], trainedAt(60), [0.89, 0.03]),
      series(LABELS[2], trainedAt(110), [4.8, 0.06]),
    ]),
  ];
}

const [, LN, RES] = RESCUE_NETWORKS.map((n) => n.label);

describe('what the rescue section says', () => {
  it('rescued, not rescued, rescued by one network only, and no rescue needed, each with every cell’s outcome', () => {
    const runs = grid();
    expect(rescueVerdict(runs, 2)).toBe(
      `Normalization rescues σ = 1: plain diverged at step 4, ${LN} trained at step 160 and ${RES} trained at step 110.`,
    );
    expect(rescueVerdict(runs, 1)).toBe(
      `He normal needs no rescue: plain trained at step 240; ${LN} trained at step 280 and ${RES} trained at step 60.`,
    );
    runs[2]!.series[0] = series(LABELS[0], stalled, [0.695, 0.65]);
    expect(rescueVerdict(runs, 0)).toBe(
      `Normalization does not rescue σ = 0.01: plain stalled (train loss 0.693 → 0.693), ${LN} stalled (train loss 0.692 → 0.694) and ${RES} stalled (train loss 0.695 → 0.650).`,
    );
    runs[2]!.series[0] = series(LABELS[0], trainedAt(200), [0.695, 0.1]);
    expect(rescueVerdict(runs, 0).startsWith(`${RES} rescues σ = 0.01, ${LN} does not: plain stalled`)).toBe(true);
  });

  it('the forward signal and the first update of a start that fails plain are the histories’ own numbers', () => {
    const runs = grid();
    expect(signalSentence(runs, 0, depth)).toBe(
      'At step 0 the last hidden layer of σ = 0.01 holds E[H²] = 1.00e-20 in the plain network and 0.470 with ' +
        'LayerNorm: LayerNorm restores its forward signal, but not its training: it stalled (train loss 0.692 → 0.694). ' +
        "The gradient still carries its scale: with LayerNorm E[(∂L/∂W₁)²] starts at 0.00230 (He normal's 2.00e-4), " +
        "and update 20 moved W₁ by ‖ΔW‖/‖W‖ = 0.00200 (He normal's 0.00200).",
    );
    expect(signalSentence(runs, 2, depth)).toMatch(
      /E\[H²\] = 1\.30e\+8 in the plain network and 0\.500 with LayerNorm: .*, and it trained at step 160\./,
    );
    runs[0]!.series[0].history[0].layers[depth - 1].flags = [
      { quantity: 'post', kind: 'underflow', precision: 'float32' },
    ] as never;
    expect(signalSentence(runs, 0, depth)).toMatch(
      /holds E\[H²\] = a figure beyond the engine’s precision in the plain/,
    );
  });

  it('a summary only once every network has finished: the verdicts, then the starts that fail plain', () => {
    const runs = grid();
    const summary = rescueSummary(runs, depth);
    expect(summary.startsWith(rescueVerdict(runs, 0))).toBe(true);
    expect(summary.endsWith(signalSentence(runs, 2, depth))).toBe(true);
    expect(summary).not.toContain('At step 0 the last hidden layer of He normal');
    expect(rescueSummary([runs[0], runs[1]], depth)).toBe('');
    expect(rescueSummary([runs[0], runs[1], { ...runs[2]!, finished: false }], depth)).toBe('');
  });

  it('the table’s rows: outcome, steps to target, losses at step 0 and last, test accuracy; dashes before training', () => {
    const runs = grid();
    const rows = rescueRows([runs[0]]);
    expect(rows[0]).toEqual(['σ = 0.01, plain', 'stalled', '—', '0.6931', '0.6931', '75.0 %']);
    expect(rows[1]).toEqual([`σ = 0.01, ${LN}`, 'not trained yet', '—', '—', '—', '—']);
    expect(rescueRows(runs)[3]).toEqual([
      'He normal, plain',
      'trained at step 240',
      '240',
      '0.7200',
      '0.1500',
      '75.0 %',
    ]);
    expect(rescueRows(runs)[6]).toEqual(['σ = 1, plain', 'diverged at step 4', '—', '3.500e+5', '3.500e+5', '75.0 %']);
    expect(cellText(runs[2]!.series[0])).toBe('unfinished (train loss 0.695 → 0.550)');
  });

  it('the networks the engine refused, in one line, its advice to the terminal left out', () => {
    const reason = (n: string) =>
      `The GPU engine cannot train ${n} networks yet; the CPU engine can (--engine cpu), or use architecture.kind = "plain" with norm "none".`;
    expect(refusalLine([], 'cpu')).toBe('');
    expect(
      refusalLine(
        [
          { network: LN, reason: reason('plain, LayerNorm') },
          { network: RES, reason: reason('residual, α = 1/√L, LayerNorm') },
        ],
        'cpu',
      ),
    ).toBe(
      `${LN} and ${RES} trained on the CPU engine: the GPU engine cannot train plain, LayerNorm networks yet; the GPU engine cannot train residual, α = 1/√L, LayerNorm networks yet.`,
    );
  });
});
