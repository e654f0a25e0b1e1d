/** Messages between the page and the CPU engine's Web Worker. */
import type { ExperimentConfig } from '../lab/config';
import type { Progress, RunOptions, RunResult } from '../lab/results';

/** The run options that cross to the worker: everything but the signal and the progress callback. */
export type WorkerOptions = Omit<RunOptions, 'signal' | 'onProgress'>;

export type ToWorker =
  | { type: 'run'; id: number; config: ExperimentConfig; options: WorkerOptions }
  | { type: 'cancel'; id: number };

export type FromWorker =
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'result'; id: number; result: RunResult }
  | { type: 'error'; id: number; message: string; cancelled: boolean };
