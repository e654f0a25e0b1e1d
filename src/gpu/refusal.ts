/**
 * What the GPU engine computes of a run, by its network (src/lab/architecture.ts) and its options: a residual network
 * going forward has its statistics and captured rows, not yet its histograms, pair correlations or phase diagram.
 */
import { gpuRefusal, isResidual, requireGpuNetwork } from '../lab/architecture';
import { type ExperimentConfig, pairsInput } from '../lab/config';
import type { SendableOptions } from '../lab/engine';

/** What a run asks of a residual network beyond its forward statistics, which the GPU does not compute for it yet. */
function residualExtras(config: ExperimentConfig, options: SendableOptions): string[] {
  if (!isResidual(config.architecture)) return [];
  const asked: [boolean, string][] = [
    [options.histogramBins !== undefined, 'histograms'],
    [pairsInput(config) !== null, 'pair correlations'],
    [options.phase === true, 'phase diagrams'],
  ];
  return asked.filter(([wanted]) => wanted).map(([, what]) => what);
}

/** Refuses, in a sentence naming what to choose instead, a run the engine does not compute. */
export function requireComputed(config: ExperimentConfig, options: SendableOptions): void {
  requireGpuNetwork(config.architecture, options.backward === true);
  const extras = residualExtras(config, options);
  if (extras.length)
    throw new Error(
      `The GPU engine cannot compute ${extras.join(' or ')} of residual networks yet; the CPU engine can (--engine cpu), or run the forward statistics alone.`,
    );
}

/** Why the GPU engine does not compute this run, as a clause ("the GPU engine does not …"); null if it does. */
export function gpuRunRefusal(config: ExperimentConfig, options: SendableOptions): string | null {
  const extras = residualExtras(config, options);
  return (
    gpuRefusal(config.architecture, options.backward === true) ??
    (extras.length ? `the GPU engine does not compute ${extras.join(' or ')} of residual networks yet` : null)
  );
}
