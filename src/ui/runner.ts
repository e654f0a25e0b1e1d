/**
 * Runs the page's figures one after another on the chosen engine, with one progress bar, a time-left estimate and
 * Cancel. A new request cancels the one in flight, so moving a control never queues stale work, and a figure whose
 * request has not changed since its last run is redrawn from that run instead of computed again.
 *
 * A job may ask for gradients or histograms. When the chosen engine's result lacks them (told by the fields' presence,
 * so an engine that gains them is used as soon as it does), the job runs on its fallback engine instead and its figure
 * says so; the engine is then known to lack them for the rest of the session.
 */
import { batchRows, type ExperimentConfig } from '../lab/config';
import { CancelledError, type Engine, type RunOptions, type SendableOptions } from '../lab/engine';
import { phaseWork } from '../lab/phase';
import type { RunResult } from '../lab/results';
import { runWork } from '../lab/work';

export type JobOptions = SendableOptions;

export interface Job {
  id: string;
  config: ExperimentConfig;
  options?: JobOptions;
  engine: Engine;
  /** Runs the job when `engine` gives no figures that `options` ask for. */
  fallback?: Engine;
  /**
   * `substitution`: '' when `engine` produced the result, else the sentence that says which engine did and why;
   * `resultOf`: the results of the jobs before this one in the same plan.
   */
  done: (result: RunResult, substitution: string, resultOf: (id: string) => RunResult | undefined) => void;
}

/** The id of a section's part (sections.ts): a run planned before the section's own, its figure drawing both. */
export const partJobId = (section: string, part: string) => `${section}/${part}`;

/** The figures `options` ask for that `result` does not hold, in words. */
export function missingFigures(result: RunResult, options: JobOptions = {}): string[] {
  const missing: string[] = [];
  if (options.backward && result.series.some((s) => s.layers.some((l) => !l.grad || !l.weightGrad)))
    missing.push('gradients');
  if (options.histogramBins && result.series.some((s) => !s.histograms)) missing.push('histograms');
  if (options.jacobian && result.series.some((s) => !s.jacobian)) missing.push('Jacobians');
  if (options.phase && !result.phase) missing.push('phase diagrams');
  return missing;
}

const requested = (options: JobOptions = {}) => [
  ...(options.backward ? ['gradients'] : []),
  ...(options.histogramBins ? ['histograms'] : []),
  ...(options.jacobian ? ['Jacobians'] : []),
  ...(options.phase ? ['phase diagrams'] : []),
];

export interface RunStatus {
  fraction: number;
  elapsedMs: number;
  /** null until enough is done to extrapolate. */
  leftMs: number | null;
}

/**
 * Multiply–adds of a job: its config's forward (and backward, Jacobian) work, scaled down when it computes only some
 * rows; a phase diagram's, every grid point's.
 */
export function jobWork(job: Job): number {
  if (job.options?.phase) return phaseWork(job.config);
  const rows = job.options?.rows ? job.options.rows.length / batchRows(job.config) : 1;
  return runWork(job.config, job.options?.backward === true, job.options?.jacobian === true) * rows;
}

// A run ignores config.train (training is the training section's): changing it redraws nothing here.
const jobKey = (job: Job) => JSON.stringify([{ ...job.config, train: null }, job.options ?? {}, job.engine.name]);

interface Finished {
  key: string;
  result: RunResult;
  substitution: string;
}

export class Runner {
  private controller: AbortController | null = null;
  private readonly finished = new Map<string, Finished>();
  /** Figures each engine has been seen to leave out. */
  private readonly lacking = new WeakMap<Engine, Set<string>>();

  /** True when the job's last finished run had the same request, so running it again would only redraw. */
  isCached(job: Job): boolean {
    return this.finished.get(job.id)?.key === jobKey(job);
  }

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
        if (!this.isCached(job)) {
          const onProgress = (p: { done: number; total: number }) => {
            const fraction = (before + (weights[i] * p.done) / p.total) / total;
            const elapsedMs = performance.now() - started;
            onStatus({ fraction, elapsedMs, leftMs: fraction > 0.02 ? (elapsedMs * (1 - fraction)) / fraction : null });
          };
          const { result, substitution } = await this.runOne(job, {
            ...job.options,
            signal: controller.signal,
            onProgress,
          });
          if (controller.signal.aborted) return false;
          this.finished.set(job.id, { key: jobKey(job), result, substitution });
        }
        const entry = this.finished.get(job.id)!;
        job.done(entry.result, entry.substitution, (id) => this.finished.get(id)?.result);
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

  private async runOne(job: Job, options: RunOptions): Promise<{ result: RunResult; substitution: string }> {
    const fallback = job.fallback && job.fallback !== job.engine ? job.fallback : null;
    const lacking = this.lacking.get(job.engine) ?? new Set<string>();
    this.lacking.set(job.engine, lacking);
    if (!fallback || !requested(job.options).some((f) => lacking.has(f))) {
      const result = await job.engine.run(job.config, options);
      const missing = missingFigures(result, job.options);
      if (!fallback || missing.length === 0 || options.signal?.aborted) return { result, substitution: '' };
      missing.forEach((f) => {
        lacking.add(f);
      });
    }
    const result = await fallback.run(job.config, options);
    const missing = requested(job.options)
      .filter((f) => lacking.has(f))
      .join(' or ');
    return {
      result,
      substitution: `The ${job.engine.name.toUpperCase()} engine gives no ${missing}, so this figure ran on the ${fallback.name.toUpperCase()} engine.`,
    };
  }
}
