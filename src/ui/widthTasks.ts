/**
 * Trains configs one after another, each on its engine in advances of given sizes, with one progress fraction and time
 * left over all of them, and cancellation through a signal. Each finished advance hands its snapshot to its task, so
 * a figure draws as the results arrive. Progress counts multiply–adds (trainWork.ts), and the time left is the engines'
 * estimate (at their measured speed) until enough has run to extrapolate from what it took. A task with a fallback
 * engine trains there when its own engine refuses the network (its train() throws before any update), and says why.
 */
import type { ExperimentConfig } from '../lab/config';
import type { Engine } from '../lab/engine';
import type { TrainingSession, TrainResult, TrainSnapshot } from '../lab/training';
import { estimateTraining, gridAdvanceWork } from '../lab/trainWork';

export interface TrainingTask {
  engine: Engine;
  /** Trains the config when `engine` refuses it; `onRefusal` gets the refusal in the engine's words. */
  fallback?: Engine;
  onRefusal?(reason: string): void;
  config: ExperimentConfig;
  /** Sizes of the advances, in order; 0 first takes the entry at step 0 alone. They add up to config.train.steps. */
  advances: number[];
  /** After each advance, with the history so far. */
  onSnapshot?(snapshot: TrainSnapshot): void;
}

export interface TasksStatus {
  fraction: number;
  /** null when there is nothing to go on yet. */
  leftMs: number | null;
}

/** Past this fraction of the work, what it took says more about the time left than the engines' estimate. */
const MEASURED_FROM = 0.05;

/** The multiply–adds of each advance of a task. */
function advanceWorks(task: TrainingTask): number[] {
  let step = 0;
  return task.advances.map((size, i) => {
    const work = gridAdvanceWork(task.config, step, step + size, i === 0);
    step += size;
    return work;
  });
}

/** What a task should take on its engine, or on its fallback when its engine has no estimate (refuses the network). */
function estimateTask(task: TrainingTask) {
  const estimate = estimateTraining(task.engine, task.config);
  const fallback = task.fallback;
  return fallback ? estimate.catch(() => estimateTraining(fallback, task.config)) : estimate;
}

/** The task's session on its engine, or on its fallback when its engine refuses the network. */
async function openSession(task: TrainingTask): Promise<{ session: TrainingSession; engine: Engine }> {
  try {
    return { session: await task.engine.train(task.config), engine: task.engine };
  } catch (error) {
    if (!task.fallback || task.fallback === task.engine) throw error;
    task.onRefusal?.((error as Error).message);
    return { session: await task.fallback.train(task.config), engine: task.fallback };
  }
}

/** What every task should take on its engine, in seconds. */
export async function estimateTasks(tasks: TrainingTask[]): Promise<{ macs: number; seconds: number }> {
  const estimates = await Promise.all(tasks.map(estimateTask));
  return {
    macs: estimates.reduce((sum, e) => sum + e.macs, 0),
    seconds: estimates.reduce((sum, e) => sum + e.seconds, 0),
  };
}

/**
 * Runs the tasks in order; resolves with each task's whole result, or rejects with CancelledError when `signal` aborts
 * (every session is closed either way).
 */
export async function runTasks(
  tasks: TrainingTask[],
  signal: AbortSignal,
  onStatus: (status: TasksStatus) => void,
): Promise<TrainResult[]> {
  const works = tasks.map(advanceWorks);
  const total = works.flat().reduce((a, b) => a + b, 0) || 1;
  const { seconds } = await estimateTasks(tasks);
  const started = performance.now();
  let done = 0;
  const report = (fraction: number) => {
    const elapsed = performance.now() - started;
    const leftMs = fraction > MEASURED_FROM ? (elapsed * (1 - fraction)) / fraction : seconds * 1000 * (1 - fraction);
    onStatus({ fraction, leftMs: Number.isFinite(leftMs) ? leftMs : null });
  };
  report(0);
  const results: TrainResult[] = [];
  for (const [t, task] of tasks.entries()) {
    const taskStarted = performance.now();
    let session: TrainingSession | null = null;
    try {
      const opened = await openSession(task);
      session = opened.session;
      let snapshot = session.snapshot();
      for (const [a, size] of task.advances.entries()) {
        const work = works[t][a];
        snapshot = await session.advance(size, {
          signal,
          onProgress: (p) => report((done + (work * p.done) / Math.max(p.total, 1)) / total),
        });
        done += work;
        report(done / total);
        task.onSnapshot?.(snapshot);
      }
      const device = (opened.engine as { device?: string }).device;
      results.push({
        ...snapshot,
        config: task.config,
        engine: opened.engine.name,
        ...(device ? { device } : {}),
        timings: { totalMs: performance.now() - taskStarted },
      });
    } finally {
      session?.dispose();
    }
  }
  return results;
}
