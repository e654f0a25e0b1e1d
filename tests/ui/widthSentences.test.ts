/**
 * The width section's sentences, from coordinate checks and learning-rate curves made up to say one thing each: they
 * state the slopes and best learning rates the figures show, with the words (level, grows) the slopes call for.
 */
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { defaultConfig } from '../../src/lab/config';
import type { CoordGroup } from '../../src/lab/coordCheck';
import type { LrCurve } from '../../src/lab/lrTransfer';
import type { ParametrizationKind } from '../../src/lab/parametrization';
import { trainToEnd } from '../../src/lab/training';
import {
  initSentence,
  type KindCheck,
  readoutSentence,
  referenceSentence,
  slopeText,
  transferSentence,
  updateSentence,
} from '../../src/ui/widthSentences';
import { coordConfig, DEFAULT_WIDTH_SETTINGS } from '../../src/ui/widthSettings';

/** A group of two hidden layers and a readout whose panels have the given slopes per step. */
function group(slopes: number[][]): CoordGroup {
  return {
    label: 'He normal',
    widths: [64, 128, 256],
    panels: slopes.map((layers, step) => ({
      step,
      lines: layers.map((slope, l) => ({ layer: l + 1, sizes: [], gaps: [], fit: { slope, stderr: 0.01 } })),
    })),
  };
}

const check = (kind: ParametrizationKind, pre: number[][], delta: number[][]): KindCheck => ({
  kind,
  pre: group(pre),
  delta: group(delta),
});

describe("the width section's sentences", () => {
  const standard = check(
    'standard',
    [[0.01, -0.02, 0.03]],
    [
      [0, 0, 0],
      [0.1, 0.4, 1.02],
      [0.1, 0.5, 0.98],
    ],
  );
  const mup = check(
    'mup',
    [[0.02, 0, -0.5]],
    [
      [0, 0, 0],
      [0.05, -0.1, 0.03],
      [0, 0.1, 0.02],
    ],
  );

  it('slopes are written with two decimals, a true minus, and no sign on one that rounds to 0', () => {
    expect(slopeText({ slope: -0.456, stderr: 0.012 })).toBe('−0.46 ± 0.01');
    expect(slopeText({ slope: -0.001, stderr: null })).toBe('0.00');
  });

  it('at initialization every hidden layer is level, with the range of its slopes', () => {
    expect(initSentence([standard, mup], 2, 'RMS')).toBe(
      'At initialization (step 0), the RMS of Z in every hidden layer is level in width in every parametrization shown: the fitted slopes are −0.02 to 0.02.',
    );
  });

  it("after the first update the standard readout grows and μP's stays level, the last step beside the first", () => {
    expect(updateSentence([standard, mup], 2, 2, 'mean |x|')).toBe(
      "After the first update, in the mean |x| of Z − Z₀: in the standard parametrization the readout's grows with width (slope 1.02 ± 0.01; 0.98 ± 0.01 after step 2), while the hidden layers' slopes range over 0.10 to 0.40; in μP the readout's stays level (slope 0.03 ± 0.01; 0.02 ± 0.01 after step 2), and every hidden layer's stays level (slopes −0.10 to 0.05).",
    );
  });

  it("μP's readout at initialization is compared with the −1/2 its variance and multiplier predict, unless it starts at 0", () => {
    expect(readoutSentence([standard, mup], 2, false)).toContain(
      'slope −0.50 ± 0.01, where its initial variance and output multiplier (the table above) predict −0.50',
    );
    expect(readoutSentence([standard, mup], 2, true)).toMatch(/^Here every readout starts at exactly 0/);
    expect(readoutSentence([standard], 2, false)).toBe('');
  });

  it('the transfer names each best learning rate, how far it moves, and a best at the edge of the grid', () => {
    const curve = (width: number, best: number, bestAtEdge = false): LrCurve => ({
      width,
      points: [0.01, 0.1, 1].map((lr) => ({ lr, loss: lr === best ? 0.5 : 1, divergedAt: null })),
      best,
      bestAtEdge,
    });
    expect(
      transferSentence(
        [
          { kind: 'standard', curves: [curve(32, 1, true), curve(128, 0.1)] },
          { kind: 'mup', curves: [curve(32, 0.1), curve(128, 0.1)] },
        ],
        50,
      ),
    ).toBe(
      "After 50 steps, in the standard parametrization the best learning rate is 1 at width 32, 0.1 at width 128: 10× smaller at width 128 than at 32 (at width 32 the best is the grid's first or last learning rate: the optimum may lie beyond); in μP the best learning rate is 0.1 at every width.",
    );
  });

  it('the check against the CPU trainer says agree for the same run, and names the worst figure of one that is off', async () => {
    const settings = {
      ...DEFAULT_WIDTH_SETTINGS,
      coord: { ...DEFAULT_WIDTH_SETTINGS.coord, widths: [8, 16], steps: 1 },
    };
    const result = await trainToEnd(new CpuEngine(), coordConfig(settings, defaultConfig(), 'mup'));
    expect(referenceSentence([result], [result])).toMatch(
      /^Against the float64 CPU trainer on the same networks: μP agrees where both hold: all \d+ figures within 0\.0001 relative; \d+ not comparable \(below what float32 resolves, or recorded by one engine only\)\.$/,
    );
    const off = structuredClone(result);
    off.series[1].history[1].trainLoss *= 1.01;
    expect(referenceSentence([off], [result])).toMatch(
      /^Against .*: μP disagrees beyond 0\.0001 \(worst: step 1, trainLoss, 0\.010\)\.$/,
    );
  });
});
