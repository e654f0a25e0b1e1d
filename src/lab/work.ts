/** How much work a run is: multiply–adds, for progress, the page's auto-run threshold and the reference's plan. */
import { batchRows, type ExperimentConfig, inputWidth } from './config';

/** A backward pass adds two products per layer, δ·Wᵀ and Hᵀ·δ. */
const BACKWARD_PASSES = 2;

/** Multiply–adds of one forward pass over every series and trial: the work estimate for progress and thresholds. */
export function forwardWork(config: ExperimentConfig): number {
  const rows = batchRows(config);
  const perTrial = rows * (inputWidth(config) * config.width + (config.depth - 1) * config.width * config.width);
  return perTrial * config.trials * config.sweep.length;
}

/** Multiply–adds of a run's forward pass, and of its backward pass when asked. */
export function runWork(config: ExperimentConfig, backward: boolean): number {
  return forwardWork(config) * (1 + (backward ? BACKWARD_PASSES : 0));
}
