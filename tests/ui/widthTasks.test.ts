/**
 * The width section's runner of trainings: each task's advances in order with a snapshot after each, one progress
 * fraction over all of them that only grows and ends at 1, the same results as training each config to the end, and
 * Cancel as CancelledError; a task its engine refuses trains on its fallback, which is said.
 */
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { defaultConfig } from '../../src/lab/config';
import { CancelledError, type Engine } from '../../src/lab/engine';
import { trainToEnd } from '../../src/lab/training';
import { coordConfig, DEFAULT_WIDTH_SETTINGS, type WidthSettings } from '../../src/ui/widthSettings';
import { estimateTasks, runTasks, type TrainingTask } from '../../src/ui/widthTasks';

const settings: WidthSettings = {
  ...DEFAULT_WIDTH_SETTINGS,
  coord: { ...DEFAULT_WIDTH_SETTINGS.coord, widths: [16, 32], steps: 2 },
};
const engine = new CpuEngine();
const configs = (['standard', 'mup'] as const).map((kind) => coordConfig(settings, defaultConfig(), kind));

describe('the width section’s trainings', () => {
  it('advance every task in order, report growing progress to 1, and give what training to the end gives', async () => {
    const steps: number[][] = [[], []];
    const tasks: TrainingTask[] = configs.map((config, i) => ({
      engine,
      config,
      advances: [0, 1, 1],
      onSnapshot: (snapshot) => steps[i].push(snapshot.step),
    }));
    const fractions: number[] = [];
    const results = await runTasks(tasks, new AbortController().signal, (s) => fractions.push(s.fraction));
    expect(steps).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(fractions[0]).toBe(0);
    expect(fractions[fractions.length - 1]).toBeCloseTo(1, 12);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
    for (const [i, result] of results.entries()) {
      const whole = await trainToEnd(engine, configs[i]);
      expect(result.series).toEqual(whole.series);
      expect(result).toMatchObject({ engine: 'cpu', finished: true, step: 2, config: configs[i] });
    }
    expect((await estimateTasks(tasks)).macs).toBeGreaterThan(0);
  });

  it('a cancelled run rejects with CancelledError', async () => {
    const controller = new AbortController();
    const tasks = configs.map((config) => ({ engine, config, advances: [0, 1, 1] }));
    const run = runTasks(tasks, controller.signal, () => controller.abort());
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });

  it('a task whose engine refuses its network trains on the fallback, passes on the refusal and names the fallback', async () => {
    const refusal = 'The GPU engine cannot train these networks yet.';
    const refusing = {
      name: 'gpu',
      estimate: () => Promise.reject(new Error(refusal)),
      train: () => Promise.reject(new Error(refusal)),
    } as unknown as Engine;
    const refusals: string[] = [];
    const tasks: TrainingTask[] = [
      { engine: refusing, fallback: engine, onRefusal: (r) => refusals.push(r), config: configs[0], advances: [0, 2] },
    ];
    expect((await estimateTasks(tasks)).macs).toBeGreaterThan(0);
    const [result] = await runTasks(tasks, new AbortController().signal, () => undefined);
    expect(refusals).toEqual([refusal]);
    expect(result.engine).toBe('cpu');
    expect(result.series).toEqual((await trainToEnd(engine, configs[0])).series);
  });
});
