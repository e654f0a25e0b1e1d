/**
 * How much work a run is, and how long it should take: multiply–adds counted from the config, memory from the engine's
 * plan, time from the engine's measured speed. Used before a run (the terminal's estimate and its --yes threshold,
 * the page's estimate beside Run), for progress, and for the reference's verification plan.
 */
import { macsPerRow } from './architecture';
import { batchRows, type ExperimentConfig, inputWidth } from './config';

/** A backward pass adds two products per layer, δ·Wᵀ and Hᵀ·δ. */
const BACKWARD_PASSES = 2;
/** Runs estimated past this many seconds ask the user before they start. */
export const CONFIRM_SECONDS = 3600;

/**
 * Multiply–adds of one forward pass over every series and trial, and over every network of a grid (grid.ts: each
 * listed width at each listed depth): the work estimate for progress and thresholds.
 */
export function forwardWork(config: ExperimentConfig): number {
  const rows = batchRows(config);
  const n0 = inputWidth(config);
  let perTrial = 0;
  for (const width of config.axes.width ?? [config.width])
    for (const depth of config.axes.depth ?? [config.depth])
      perTrial += rows * macsPerRow(config.architecture, n0, width, depth);
  return perTrial * config.trials * config.sweep.length;
}

/**
 * Multiply–adds of the Jacobian of every series and trial: n_0 tangent rows through every layer, and its singular
 * values, about 2·m·n² for an m × n matrix (m ≥ n) to bidiagonalise it (svd.ts).
 */
export function jacobianWork(config: ExperimentConfig): number {
  const n0 = inputWidth(config);
  const tangents = n0 * (n0 * config.width + (config.depth - 1) * config.width ** 2);
  const [m, n] = [Math.max(n0, config.width), Math.min(n0, config.width)];
  return (tangents + 2 * m * n * n) * config.trials * config.sweep.length;
}

/** Multiply–adds of a run's forward pass, and of its backward pass and Jacobian when asked. */
export function runWork(config: ExperimentConfig, backward: boolean, jacobian = false): number {
  return forwardWork(config) * (1 + (backward ? BACKWARD_PASSES : 0)) + (jacobian ? jacobianWork(config) : 0);
}

/** What an engine expects a run to cost before it starts. */
export interface RunEstimate {
  /** Multiply–adds, forward and (when asked) backward. */
  macs: number;
  /**
   * The multiply–adds the engine actually computes, in the units of its speed: the GPU's whole 64-row tiles and its
   * weight draws included (src/gpu/cost.ts); the CPU's are `macs`.
   */
  computed: number;
  /** GPU memory the engine's plan allocates; null for the CPU engine. */
  bytes: number | null;
  /** The engine's measured speed, in multiply–adds per second. */
  macsPerSecond: number;
  seconds: number;
}

export function estimateRun(macs: number, macsPerSecond: number, bytes: number | null, computed = macs): RunEstimate {
  return { macs, computed, bytes, macsPerSecond, seconds: computed / macsPerSecond };
}

/** A duration as a person reads it: "40 ms", "12 s", "3.5 min", "2.1 h", "9 days", "41 years". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'forever';
  if (seconds < 1) return `${Math.max(1, Math.round(seconds * 1000))} ms`;
  if (seconds < 90) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 90 * 60) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  if (seconds < 730 * 86400) return `${Math.round(seconds / 86400)} days`;
  const years = seconds / (365.25 * 86400);
  return years < 1e6 ? `${Math.round(years)} years` : `${years.toExponential(1)} years`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 2 ** 20) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 2 ** 30) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

/** One line: the work, the memory, the time and the speed it comes from. */
export function describeEstimate(e: RunEstimate): string {
  const memory = e.bytes === null ? '' : `, ${formatBytes(e.bytes)} of GPU memory`;
  const speed = `${(e.macsPerSecond / 1e9).toPrecision(2)} G multiply–adds/s measured`;
  // Say what the engine computes when it differs from the run's own count by more than rounding.
  const computed = e.computed > 1.05 * e.macs ? ` (${e.computed.toExponential(2)} as the engine computes them)` : '';
  return `${e.macs.toExponential(2)} multiply–adds${computed}${memory}: about ${formatDuration(e.seconds)} at ${speed}`;
}
