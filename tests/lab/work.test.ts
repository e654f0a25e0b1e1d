import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { defaultConfig, parseConfig } from '../../src/lab/config';
import { describeEstimate, estimateRun, formatDuration, forwardWork, runWork } from '../../src/lab/work';

describe('work estimates', () => {
  it('counts the multiply–adds of the forward pass, and three times that with the backward pass', () => {
    // The seed: one row, 5 → 10, then seven 10 → 10 layers, five series.
    expect(forwardWork(defaultConfig())).toBe(5 * (5 * 10 + 7 * 10 * 10));
    expect(runWork(defaultConfig(), true)).toBe(3 * forwardWork(defaultConfig()));
  });

  it('counts every network of a width and depth grid, so a list of widths is not estimated as its first', () => {
    const parsed = parseConfig({ width: [10, 20], depth: [2, 3] });
    if (!parsed.ok) throw new Error('bad config');
    const one = (width: number, depth: number) => 5 * width + (depth - 1) * width * width;
    expect(forwardWork(parsed.config)).toBe(5 * (one(10, 2) + one(10, 3) + one(20, 2) + one(20, 3)));
  });

  it('writes durations as a person reads them', () => {
    expect(formatDuration(0.0004)).toBe('1 ms');
    expect(formatDuration(0.25)).toBe('250 ms');
    expect(formatDuration(4.26)).toBe('4.3 s');
    expect(formatDuration(75)).toBe('75 s');
    expect(formatDuration(600)).toBe('10.0 min');
    expect(formatDuration(7200)).toBe('2.0 h');
    expect(formatDuration(9 * 86400)).toBe('9 days');
    expect(formatDuration(240 * 365.25 * 86400)).toBe('240 years');
    expect(formatDuration(3e9 * 365.25 * 86400)).toBe('3.0e+9 years');
  });

  it('the CPU engine estimates its runs from its measured speed, and a finished run refines it', async () => {
    const engine = new CpuEngine();
    const parsed = parseConfig({
      depth: 3,
      width: 256,
      input: { distribution: 'normal', batch: 256, width: 256 },
      init: { kind: 'he-normal' },
    });
    if (!parsed.ok) throw new Error('bad config');
    const before = await engine.estimate(parsed.config, { backward: true });
    expect(before.macs).toBe(runWork(parsed.config, true));
    expect(before.bytes).toBeNull();
    // Any machine this runs on does between 10⁷ and 10¹¹ float64 multiply–adds per second.
    expect(before.macsPerSecond).toBeGreaterThan(1e7);
    expect(before.macsPerSecond).toBeLessThan(1e11);
    const result = await engine.run(parsed.config, { backward: true });
    const after = await engine.estimate(parsed.config, { backward: true });
    // The run took over 200 ms, so its own speed now stands; the estimate of the same run is its own time.
    expect(result.timings.totalMs).toBeGreaterThan(200);
    expect(after.seconds * 1000).toBeCloseTo(result.timings.totalMs, 3);
    expect(describeEstimate(estimateRun(3e12, 1e9, 2 ** 30))).toBe(
      '3.00e+12 multiply–adds, 1.00 GiB of GPU memory: about 50.0 min at 1.0 G multiply–adds/s measured',
    );
  });

  it('a long run of small products leaves the speed as it was: it times the loops around them, not the products', async () => {
    const engine = new CpuEngine();
    const parsed = parseConfig({ depth: 40, width: 8, trials: 1000, init: { kind: 'he-normal' } });
    if (!parsed.ok) throw new Error('bad config');
    const before = await engine.estimate(parsed.config);
    const result = await engine.run(parsed.config);
    expect(result.timings.totalMs).toBeGreaterThan(200);
    // Timed, this run's speed would be far below the calibration's.
    const ownSpeed = runWork(parsed.config, false) / (result.timings.totalMs / 1000);
    expect(ownSpeed).toBeLessThan(before.macsPerSecond / 10);
    expect((await engine.estimate(parsed.config)).macsPerSecond).toBe(before.macsPerSecond);
  });

  it('the CPU engine reports progress within a long layer, between its finished steps', async () => {
    const parsed = parseConfig({
      depth: 1,
      width: 700,
      input: { distribution: 'normal', batch: 700, width: 700 },
      init: { kind: 'he-normal' },
    });
    if (!parsed.ok) throw new Error('bad config');
    const done: number[] = [];
    await new CpuEngine().run(parsed.config, { onProgress: (p) => done.push(p.done) });
    expect(done.at(-1)).toBe(1);
    expect(done.some((d) => d > 0 && d < 1)).toBe(true);
  });
});
