/**
 * How a run on the GPU engine is checked against the float64 reference, one rule for the page and the terminal.
 * The reference recomputes the whole run when that is quick; past REFERENCE_FULL_WORK multiply–adds it recomputes
 * VERIFIED_ROWS batch rows of trial 0 with the same weights (rows are independent), and both runs' statistics are then
 * taken over those rows (compare.ts, `referenceRows: 'captured'`). Either way both runs capture those rows' activations.
 */
import type { CompareOptions } from './compare';
import { batchRows, type ExperimentConfig, pairsInput } from './config';
import type { SendableOptions } from './engine';
import { runWork } from './work';

/** About a second of the CPU reference's work (it does ~1 GFLOP/s). */
export const REFERENCE_FULL_WORK = 3e8;
/** Rows the reference recomputes when it samples, and rows whose activations are compared. */
export const VERIFIED_ROWS = 8;

export interface VerificationPlan {
  /** Rows whose pre-activations both runs capture, evenly spread so that GPU chunk boundaries are exercised. */
  captureRows: number[];
  /** True when the reference computes only `captureRows`. */
  sampled: boolean;
  /** Options of the run being checked. */
  candidate: SendableOptions;
  /** The reference's config (one trial when sampled: the comparison reads trial 0) and options. */
  reference: { config: ExperimentConfig; options: SendableOptions };
  compare: CompareOptions;
}

export function verificationPlan(config: ExperimentConfig, backward = false, jacobian = false): VerificationPlan {
  const rows = batchRows(config);
  // BatchNorm couples the rows, so the reference computes them all.
  const sampled =
    rows > VERIFIED_ROWS && runWork(config, backward) > REFERENCE_FULL_WORK && config.architecture.norm !== 'batch';
  const count = Math.min(rows, VERIFIED_ROWS);
  // A pairs input is checked on whole pairs (the batch is even, so is count): their cosines are compared too.
  const captureRows = pairsInput(config)
    ? Array.from({ length: count }, (_, i) => 2 * Math.floor(((i >> 1) * rows) / count) + (i % 2))
    : Array.from({ length: count }, (_, i) => Math.floor((i * rows) / count));
  return {
    captureRows,
    sampled,
    candidate: { captureRows, backward, jacobian },
    reference: sampled
      ? { config: { ...config, trials: 1 }, options: { rows: captureRows, captureRows, backward, jacobian } }
      : { config, options: { captureRows, backward, jacobian } },
    compare: { referenceRows: sampled ? 'captured' : 'all' },
  };
}
