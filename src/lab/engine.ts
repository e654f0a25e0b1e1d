/**
 * The one interface both engines implement, with what a run may ask for and how it reports progress. Nothing above it
 * knows which engine it holds; engines that run elsewhere (a Web Worker, a headless browser) are reached through
 * engineProtocol.ts and implement the same interface.
 */
import { batchRows, type ExperimentConfig } from './config';
import type { Progress } from './progress';
import type { RunResult } from './results';
import type { Trainer } from './training';

export type { Progress } from './progress';

import type { RunEstimate } from './work';

/** Which engine a user asks for: one of the two, or both side by side (compared by verification.ts's plan). */
export const engineChoices = ['cpu', 'gpu', 'both'] as const;
export type EngineChoice = (typeof engineChoices)[number];

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Compute only these batch rows (rows are independent); statistics are then over those rows. */
  rows?: number[];
  /** Return the pre-activations of these batch rows (trial 0) in `capture`. */
  captureRows?: number[];
  /** Also back-propagate g_L ~ N(0, 1) and report `grad` and `weightGrad` per layer. */
  backward?: boolean;
  /** Also count per-layer histograms of trial 0 with this many bins. */
  histogramBins?: number;
}

/** The run options that can cross to an engine elsewhere: everything but the signal and the progress callback. */
export type SendableOptions = Omit<RunOptions, 'signal' | 'onProgress'>;

/** Runs experiments at initialization and trains (training.ts's Trainer). */
export interface Engine extends Trainer {
  readonly name: 'cpu' | 'gpu';
  run(config: ExperimentConfig, options?: RunOptions): Promise<RunResult>;
  /** What the run would cost on this engine: its work, memory and time at the engine's measured speed. */
  estimate(config: ExperimentConfig, options?: SendableOptions): Promise<RunEstimate>;
  dispose(): void;
}

export class CancelledError extends Error {
  constructor() {
    super('The run was cancelled.');
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}

/** A run's options checked against its config, as every engine reads them. */
export interface ResolvedOptions {
  rows: number[];
  captureRows: number[];
  backward: boolean;
  histogramBins: number | undefined;
}

/** Checks the options against the batch; throws a RangeError naming the bad option. */
export function resolveRunOptions(config: ExperimentConfig, options: RunOptions): ResolvedOptions {
  const total = batchRows(config);
  const rows = options.rows ?? Array.from({ length: total }, (_, i) => i);
  const bad = rows.find((r) => !Number.isInteger(r) || r < 0 || r >= total);
  if (bad !== undefined) throw new RangeError(`row ${bad} is outside the batch (0..${total - 1})`);
  const captureRows = options.captureRows ?? [];
  const computed = new Set(rows);
  if (captureRows.some((row) => !computed.has(row))) {
    throw new RangeError('every captured row must be among the computed rows');
  }
  const bins = options.histogramBins;
  if (bins !== undefined && (!Number.isInteger(bins) || bins < 1)) {
    throw new RangeError(`histogramBins must be a positive integer, got ${bins}`);
  }
  return { rows, captureRows, backward: options.backward === true, histogramBins: bins };
}
