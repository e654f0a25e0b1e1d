/**
 * What the GPU engine computes of a run, by its network (src/lab/architecture.ts) and its options: any network but
 * the plain MLP has its statistics forward and backward, its captured rows and its pairs' correlations
 * (networkChunk.ts), not yet its histograms. (A Jacobian or a phase diagram is the plain MLP's on either engine,
 * engine.ts.)
 */
import { describeArchitecture, isPlainMlp } from '../lab/architecture';
import type { ExperimentConfig } from '../lab/config';
import type { SendableOptions } from '../lab/engine';

/** Whether the run asks for what the GPU does not compute yet: histograms of a network other than the plain MLP. */
const refused = (config: ExperimentConfig, options: SendableOptions) =>
  !isPlainMlp(config.architecture) && options.histogramBins !== undefined;

/** Why the GPU engine does not compute this run, as a clause ("the GPU engine does not …"); null if it does. */
export function gpuRunRefusal(config: ExperimentConfig, options: SendableOptions): string | null {
  if (!refused(config, options)) return null;
  return `the GPU engine does not compute histograms of ${describeArchitecture(config.architecture)} networks yet`;
}

/** Refuses, in a sentence naming what to choose instead, a run the engine does not compute. */
export function requireComputed(config: ExperimentConfig, options: SendableOptions): void {
  if (refused(config, options))
    throw new Error(
      `The GPU engine cannot compute histograms of ${describeArchitecture(config.architecture)} networks yet; the CPU engine can (--engine cpu), or run the statistics alone.`,
    );
}
