/** Messages between the page and the CPU engine's Web Worker. */
import type { ExperimentConfig } from '../lab/config';
import type { Progress, RunResult } from '../lab/results';

export type ToWorker =
  | { type: 'run'; id: number; config: ExperimentConfig; rows?: number[]; captureRows?: number[] }
  | { type: 'cancel'; id: number };

export type FromWorker =
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'result'; id: number; result: RunResult }
  | { type: 'error'; id: number; message: string; cancelled: boolean };
