/**
 * Runs the page's figures one after another on the chosen engine, with one progress bar, a time-left estimate and
 * Cancel. A new request cancels the one in flight, so moving a control never queues stale work.
 */
import { batchRows, forwardWork, type ExperimentConfig } from '../lab/config';
import { CancelledError, type Engine, type RunOptions, type RunResult } from '../lab/results';

export interface Job {
  id: string;
  config: ExperimentConfig;
  options?: Pick<RunOptions, 'rows' | 'captureRows'>;
  engine: Engine;
  done: (result: RunResult) => void;
}

export interface RunStatus {
  fraction: number;
  elapsedMs: number;
  /** null until enough is done to extrapolate. */
  leftMs: number | null;
}

/** Multiply–adds of a job: its config's forward work, scaled down when it computes only some rows. */
export function jobWork(job: Job): number {
  return forwardWork(job.config) * (job.options?.rows ? job.options.rows.length / batchRows(job.config) : 1);
}

export class Runner {
  private controller: AbortController | null = null;

  get busy(): boolean {
    return this.controller !== null;
  }

  cancel(): void {
    this.controller?.abort();
  }

  /** Resolves true when every job finished, false when cancelled or superseded. */
  async run(jobs: Job[], onStatus: (status: RunStatus) => void): Promise<boolean> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const weights = jobs.map(jobWork);
    const total = weights.reduce((a, b) => a + b, 0) || 1;
    const started = performance.now();
    let before = 0;
    try {
      for (const [i, job] of jobs.entries()) {
        const result = await job.engine.run(job.config, {
          ...job.options,
          signal: controller.signal,
          onProgress: (p) => {
            const fraction = (before + (weights[i] * p.done) / p.total) / total;
            const elapsedMs = performance.now() - started;
            onStatus({ fraction, elapsedMs, leftMs: fraction > 0.02 ? (elapsedMs * (1 - fraction)) / fraction : null });
          },
        });
        if (controller.signal.aborted) return false;
        job.done(result);
        before += weights[i];
      }
      return true;
    } catch (error) {
      if (error instanceof CancelledError || controller.signal.aborted) return false;
      throw error;
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }
}

