/**
 * The one interface both engines implement, with what a run may ask for and how it reports progress. Nothing above it
 * knows which engine it holds; engines that run elsewhere (a Web Worker, a headless browser) are reached through
 * engineProtocol.ts and implement the same interface.
 */
import { describeArchitecture, isPlainMlp } from './architecture';
import { batchRows, type ExperimentConfig, formatError, inputWidth, pairsInput } from './config';
import { MAX_JACOBIAN_WIDTH } from './jacobian';
import { phaseProblems } from './phase';
import type { Progress } from './progress';
import type { RunResult } from './results';
import type { Trainer } from './training';
import type { RunEstimate } from './work';

export type { Progress } from './progress';

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
  /** Also take the singular values of J = ∂H_L/∂X at the first computed row of each trial (jacobian.ts). */
  jacobian?: boolean;
  /**
   * Run the config's phase diagram instead of its sweep (phase.ts): every grid point's network, at once where the
   * engine can. The result's `phase` holds the measurements and its `series` is empty; no other option applies.
   */
  phase?: boolean;
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
  jacobian: boolean;
  phase: boolean;
}

/** Checks the options against the batch; throws a RangeError naming the bad option. */
export function resolveRunOptions(config: ExperimentConfig, options: RunOptions): ResolvedOptions {
  if (options.phase) return resolvePhase(config, options);
  const total = batchRows(config);
  const rows = options.rows ?? Array.from({ length: total }, (_, i) => i);
  const bad = rows.find((r) => !Number.isInteger(r) || r < 0 || r >= total);
  if (bad !== undefined) throw new RangeError(`row ${bad} is outside the batch (0..${total - 1})`);
  if (config.architecture.norm === 'batch' && total < 2)
    throw new RangeError(
      'BatchNorm normalizes each unit over the batch, and this input is one row, which it makes 0 whatever it holds: use a random input batch of 2 rows or more, or architecture.norm "layer"',
    );
  if (config.architecture.norm === 'batch' && rows.length !== total)
    throw new RangeError(
      'a BatchNorm network normalizes over its whole batch: a run of some of its rows is another network',
    );
  const captureRows = options.captureRows ?? [];
  const computed = new Set(rows);
  if (captureRows.some((row) => !computed.has(row))) {
    throw new RangeError('every captured row must be among the computed rows');
  }
  if (pairsInput(config)) {
    // Each pair's cosine needs both its rows, side by side in every chunk.
    const split = rows.findIndex((row, i) => i % 2 === 0 && (row % 2 !== 0 || rows[i + 1] !== row + 1));
    if (split >= 0) {
      throw new RangeError(
        `with a pairs input the rows must be whole pairs in order (2k, 2k + 1), but row ${rows[split]} is not followed by its partner`,
      );
    }
  }
  const bins = options.histogramBins;
  if (bins !== undefined && (!Number.isInteger(bins) || bins < 1)) {
    throw new RangeError(`histogramBins must be a positive integer, got ${bins}`);
  }
  const jacobian = options.jacobian === true;
  if (jacobian && !isPlainMlp(config.architecture))
    throw new RangeError(
      `the Jacobian's singular values are computed for the plain network without normalization, not a ${describeArchitecture(config.architecture)} one: use architecture.kind "plain" with norm "none"`,
    );
  const widest = Math.max(config.width, inputWidth(config));
  if (jacobian && widest > MAX_JACOBIAN_WIDTH) {
    throw new RangeError(
      `the Jacobian's singular values are computed on the CPU in O(n³): width and input width at most ${MAX_JACOBIAN_WIDTH}, got ${widest}`,
    );
  }
  return { rows, captureRows, backward: options.backward === true, histogramBins: bins, jacobian, phase: false };
}

/** A phase diagram's run: the config must have its grid and a pairs input, and no other option goes with it. */
function resolvePhase(config: ExperimentConfig, options: RunOptions): ResolvedOptions {
  if (!isPlainMlp(config.architecture))
    throw new RangeError(
      `a phase diagram is computed for the plain network without normalization, not a ${describeArchitecture(config.architecture)} one: use architecture.kind "plain" with norm "none"`,
    );
  const problems = phaseProblems(config);
  if (problems.length)
    throw new RangeError(`this config has no phase diagram: ${problems.map(formatError).join('; ')}`);
  const others = (['rows', 'captureRows', 'backward', 'histogramBins', 'jacobian'] as const).filter(
    (k) => options[k] !== undefined && options[k] !== false,
  );
  if (others.length) throw new RangeError(`a phase diagram takes no other run option (got ${others.join(', ')})`);
  return { rows: [], captureRows: [], backward: false, histogramBins: undefined, jacobian: false, phase: true };
}
