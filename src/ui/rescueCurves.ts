/**
 * What the loss charts of "Which bad starts normalization rescues" plot: per start, a train (solid) and test (dashed)
 * line per network trained so far, from the training section's curves (a diverged run's line ends at its last finite
 * entry, marked). Plain data, no DOM, so that tests check what is plotted against the registered histories.
 */
import { RESCUE_NETWORKS } from './rescueConfigs';
import type { RescueRuns } from './rescueSentences';
import { curveData } from './trainingCurves';

export function startCurves(runs: RescueRuns, s: number) {
  const series = RESCUE_NETWORKS.flatMap((network, n) => {
    const cell = runs[n]?.series[s];
    return cell ? [{ ...cell, label: network.label }] : [];
  });
  return curveData(
    { step: 0, finished: false, series },
    (e) => e.trainLoss,
    (e) => e.testLoss,
  );
}
