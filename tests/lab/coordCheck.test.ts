/**
 * The coordinate check: its slope fit, its grouping of a width grid, and what Tensor Programs V says it shows — He's
 * hidden coordinates flat in width at initialization in every parametrization, and after 3 SGD steps at one learning
 * rate the readout's growing with width in the standard parametrization but not in μP.
 */
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { formatError, parseConfig } from '../../src/lab/config';
import { coordinateCheck, fitSlope } from '../../src/lab/coordCheck';
import { type TrainHistoryEntry, type TrainSeries, trainToEnd } from '../../src/lab/training';

describe('the slope fit', () => {
  it('recovers a power law exactly, with no residual, and a noisy one with its standard error', () => {
    const widths = [64, 128, 256, 512];
    expect(
      fitSlope(
        widths,
        widths.map((n) => 3 * n ** 0.5),
      ),
    ).toEqual({ slope: expect.closeTo(0.5, 12), stderr: 0 });
    expect(fitSlope([64, 128], [1, 4])).toEqual({ slope: 2, stderr: null });
    const noisy = fitSlope(widths, [1, 1.1, 0.9, 1]);
    expect(Math.abs(noisy.slope)).toBeLessThan(0.1);
    expect(noisy.stderr).toBeGreaterThan(0);
  });
});

const WIDTHS = [64, 128, 256, 512, 1024];

async function check(kind: 'standard' | 'mup') {
  const parsed = parseConfig({
    depth: 2,
    width: WIDTHS,
    sweep: [{ kind: 'he-normal' }],
    parametrization: { kind, baseWidth: 64, readoutZero: kind === 'mup' },
    train: {
      dataset: { kind: 'teacher', size: 320, dim: 16, classes: 4 },
      batch: 64,
      steps: 3,
      evalEvery: 1,
      coordCheck: true,
      optimizer: { kind: 'sgd', lr: 0.1, momentum: 0 },
    },
  });
  if (!parsed.ok) throw new Error(parsed.errors.map(formatError).join('\n'));
  const result = await trainToEnd(new CpuEngine(), parsed.config);
  const [group] = coordinateCheck(result.series, 'pre', 'rms');
  expect(group.widths).toEqual(WIDTHS);
  expect(group.label).toBe('He normal');
  expect(group.panels.map((p) => p.step)).toEqual([0, 1, 2, 3]);
  return group;
}

/**
 * A hidden layer's RMS at width n is an average over n units and 256 rows, its first layer's over d = 16 inputs per
 * unit: it fluctuates by about √(2/(16·64)) ≈ 4 % at the narrowest width, which moves a slope fitted over 64 … 1024
 * (log2 span 4) by up to ~0.02. Slopes within 0.05 are flat within sampling error. The readout's lines are what the
 * parametrizations change: in the standard one a fixed lr moves the readout by Θ(width) (slope ≈ 1); in μP (readout
 * started at 0, as mup recommends) by Θ(1) — its measured slopes stay within ±0.15 over seeds 1–2.
 */
const FLAT = 0.05;

describe('the coordinate check over widths 64 … 1024 (CPU, float64)', () => {
  it('standard parametrization: hidden layers flat at initialization, the readout growing with width after 3 steps', async () => {
    const group = await check('standard');
    const [initial, last] = [group.panels[0], group.panels[3]];
    for (const line of initial.lines.slice(0, 2)) expect(Math.abs(line.fit!.slope)).toBeLessThan(FLAT);
    expect(last.lines[2].fit!.slope).toBeGreaterThan(0.5);
  }, 60_000);

  it('μP: hidden layers flat at initialization and after 3 steps, the readout flat too', async () => {
    const group = await check('mup');
    for (const panel of group.panels)
      for (const line of panel.lines.slice(0, 2)) expect(Math.abs(line.fit!.slope)).toBeLessThan(FLAT);
    // The readout starts at 0: no line at step 0 (log of 0), then flat.
    expect(group.panels[0].lines[2].fit).toBeNull();
    for (const panel of group.panels.slice(1)) expect(Math.abs(panel.lines[2].fit!.slope)).toBeLessThan(0.25);
  }, 60_000);
});

/** A history entry whose every layer has the given size (mean |Z| and RMS alike), optionally flagged. */
function entry(step: number, sizes: number[], flagged = false): TrainHistoryEntry {
  return {
    step,
    trainLoss: 1,
    trainAccuracy: null,
    testLoss: 1,
    testAccuracy: null,
    layers: sizes.map((size, l) => ({
      layer: l + 1,
      pre: { mean: 0, var: size ** 2, meanSq: size ** 2, meanAbs: size },
      post: l === sizes.length - 1 ? null : { meanAbs: size, meanSq: size ** 2 },
      weightGrad: { meanSq: 1 },
      updateRatio: null,
      flags: flagged ? [{ quantity: 'pre', kind: 'overflow', precision: 'float32' }] : [],
    })),
  };
}

function series(width: number, history: TrainHistoryEntry[], diverged = false): TrainSeries {
  return {
    label: `He normal · n = ${width}`,
    init: { kind: 'he-normal' },
    width,
    depth: 1,
    parametrization: 'standard',
    history,
    outcome: diverged ? { status: 'diverged', step: history.length } : { status: 'unfinished', step: null },
  };
}

describe('gaps in the coordinate check', () => {
  it('a diverged width, a flagged figure and a zero leave gaps that say why, and the slope is fitted over the rest', () => {
    const group = coordinateCheck(
      [
        series(64, [entry(0, [1, 0]), entry(1, [2, 1])]),
        series(128, [entry(0, [1, 0]), entry(1, [4, 2], true)]),
        series(256, [entry(0, [1, 0]), entry(1, [8, 4])]),
        series(512, [entry(0, [1, 0])], true),
      ],
      'pre',
      'rms',
    )[0];
    expect(group.panels.map((p) => p.step)).toEqual([0, 1]);
    const [initial, after] = group.panels;
    expect(initial.lines[0]).toEqual({
      layer: 1,
      sizes: [1, 1, 1, 1],
      gaps: [null, null, null, null],
      fit: { slope: 0, stderr: 0 },
    });
    expect(initial.lines[1].gaps).toEqual(['zero', 'zero', 'zero', 'zero']);
    expect(initial.lines[1].fit).toBeNull();
    // Width 128 flagged, width 512 diverged: the slope of the two that remain, 2 → 8 over 64 → 256, is 1.
    expect(after.lines[0].gaps).toEqual([null, 'flagged', null, 'diverged']);
    expect(after.lines[0].sizes.map(Number.isNaN)).toEqual([false, true, false, true]);
    expect(after.lines[0].fit).toEqual({ slope: 1, stderr: null });
    const post = coordinateCheck([series(64, [entry(0, [1, 1])])], 'post', 'meanAbs')[0];
    expect(post.panels[0].lines[1].gaps).toEqual(['absent']);
  });
});
