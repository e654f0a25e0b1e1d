/**
 * How the sections that teach about networks in general derive their experiments from the reader's. One network of
 * the first experiment's shape (8 layers of 10) is a single draw that can sit far from the average, so these sections
 * draw many networks, and the Xavier, He and backward sections also widen the layers; their charts show the median and
 * the 10–90 % band beside the mean. The number of networks shrinks as a network's work grows, so a wide reader's config
 * still redraws without waiting for Run, and never falls below what the reader asked for.
 */
import { bindActivation } from '../lab/activations';
import type { ExperimentConfig } from '../lab/config';
import { firstNetwork } from '../lab/grid';
import type { InitSpec } from '../lab/initializers';
import { forwardWork } from '../lab/work';

/** How many networks a section draws: as many as `work` multiply–adds allow, between `least` and `most`. */
export interface Draws {
  most: number;
  least: number;
  work: number;
}

/**
 * At least this wide: under He, the median network of 8 layers keeps ≈ 0.84 of its first layer's variance at width 100
 * and ≈ 0.14 at width 10 (tests/ui/pageClaims.test.ts).
 */
export const CLAIM_MIN_WIDTH = 100;

/** The first experiment over many networks: 500 of the default's 5 × 8 × 10 networks are 1.9e6 multiply–adds. */
export const ENSEMBLE_DRAWS: Draws = { most: 500, least: 32, work: 2e6 };
/** Xavier and He: 32 networks of width 100 put He's median within a few percent of its expected ≈ 0.84. */
export const CLAIM_DRAWS: Draws = { most: 32, least: 8, work: 5e6 };
/**
 * Backward: the reader's engine runs it, and on a GPU each network waits for the device at every layer, forward and
 * back, so fewer networks; the means of 8 width-100 networks already sit within tens of percent of the line.
 */
export const BACKWARD_DRAWS: Draws = { most: 8, least: 2, work: 3e6 };

export function trialsFor(config: ExperimentConfig, draws: Draws): number {
  const affordable = Math.floor(draws.work / forwardWork({ ...config, trials: 1 }));
  return Math.max(config.trials, Math.min(draws.most, Math.max(draws.least, affordable)));
}

/** The reader's experiment drawn many times: its first network where the reader lists several widths or depths. */
export function ensembleConfig(config: ExperimentConfig): ExperimentConfig {
  const network = firstNetwork(config);
  return { ...network, trials: trialsFor(network, ENSEMBLE_DRAWS) };
}

/**
 * The reader's experiment (its first network, where it lists several) with its own sweep, layers at least
 * CLAIM_MIN_WIDTH wide, drawn many times.
 */
export function claimConfig(config: ExperimentConfig, sweep: InitSpec[], draws: Draws): ExperimentConfig {
  const network = firstNetwork(config);
  const wide = { ...network, width: Math.max(network.width, CLAIM_MIN_WIDTH), sweep };
  return { ...wide, trials: trialsFor(wide, draws) };
}

/** Xavier with gain 1 beside Xavier with the activation's gain; where that gain is 1, the normal form beside the uniform. */
export function xavierSweep(config: ExperimentConfig): InitSpec[] {
  const gain = bindActivation(config.activation, config).gain;
  return gain === 1
    ? [{ kind: 'xavier-normal' }, { kind: 'xavier-uniform' }]
    : [{ kind: 'xavier-normal' }, { kind: 'xavier-normal', gain }];
}

export const HE_SWEEP: InitSpec[] = [{ kind: 'he-normal' }, { kind: 'xavier-normal' }];
export const BACKWARD_SWEEP: InitSpec[] = [
  { kind: 'he-normal' },
  { kind: 'he-normal', mode: 'fan_out' },
  { kind: 'xavier-normal' },
];
