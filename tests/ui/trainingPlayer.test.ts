import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { defaultConfig, type ExperimentConfig, parseConfig } from '../../src/lab/config';
import { trainToEnd } from '../../src/lab/training';
import { type PlayerView, type TrainingEngine, TrainingPlayer } from '../../src/ui/trainingPlayer';

const engine = new CpuEngine() as TrainingEngine;

/** A network Node trains in well under a second: 2 × 16 ReLU, He normal and σ = 1e-3, 30 SGD steps on 120 points. */
function smallConfig(): ExperimentConfig {
  const parsed = parseConfig({
    depth: 2,
    width: 16,
    sweep: [{ kind: 'he-normal' }, { kind: 'normal', sigma: 1e-3 }],
    train: {
      dataset: { kind: 'spirals', size: 120, noise: 0.05, test: 0.2 },
      optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9 },
      batch: 16,
      steps: 30,
      evalEvery: 5,
    },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}

/** A player whose every view is kept, in order. */
function recordingPlayer(): { player: TrainingPlayer; views: PlayerView[] } {
  const views: PlayerView[] = [];
  return { player: new TrainingPlayer((view) => views.push(view)), views };
}

describe('the training player', () => {
  it('loads the entry at step 0, steps one evaluation interval at a time, and plays to the end', async () => {
    const config = smallConfig();
    const { player, views } = recordingPlayer();
    await player.load(config, [engine]);
    expect(views.map((v) => v.phase)).toEqual(['preparing', 'preparing', 'ready']);
    expect(player.current.snapshot!.step).toBe(0);
    await player.step();
    expect(player.current.phase).toBe('ready');
    expect(player.current.snapshot!.step).toBe(5);
    await player.play();
    const end = player.current;
    expect(end.phase).toBe('finished');
    expect(end.fraction).toBe(1);
    expect(end.stepsPerSecond).toBeGreaterThan(0);
    // Each advance reports its evaluation: the history grew 5 steps at a time, never skipping an entry.
    const steps = [...new Set(views.flatMap((v) => (v.snapshot ? [v.snapshot.step] : [])))];
    expect(steps).toEqual([0, 5, 10, 15, 20, 25, 30]);
    const reference = await trainToEnd(engine, config);
    expect(end.snapshot!.series).toEqual(reference.series);
    player.dispose();
  });

  it("a pause stops the advance in flight at a whole update, and playing on gives the uninterrupted run's history", async () => {
    const config = smallConfig();
    const { player } = recordingPlayer();
    await player.load(config, [engine]);
    const playing = player.play();
    expect(player.busy).toBe(true);
    player.pause();
    await playing;
    expect(player.busy).toBe(false);
    expect(player.current.phase).toBe('ready');
    const paused = player.current.snapshot!.step;
    expect(paused).toBeLessThan(config.train.steps);
    await player.play();
    expect(player.current.phase).toBe('finished');
    expect(player.current.snapshot!.series).toEqual((await trainToEnd(engine, config)).series);
    player.dispose();
  });

  it('drops what an advance in flight brings once the sessions are replaced, and says a failure in its own words', async () => {
    const config = smallConfig();
    const { player } = recordingPlayer();
    await player.load(config, [engine]);
    const playing = player.play();
    player.dispose();
    await playing;
    expect(player.current.phase).toBe('idle');
    expect(player.current.snapshot).toBeNull();
    const failing: TrainingEngine = {
      name: 'gpu',
      train: () => Promise.reject(new Error('The GPU device was lost.')),
    };
    await player.load(defaultConfig(), [failing]);
    expect(player.current.phase).toBe('failed');
    expect(player.current.error).toBe('The GPU device was lost.');
  });
});
