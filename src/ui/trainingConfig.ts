/**
 * The training section's experiments, derived from the reader's as sectionConfigs.ts derives the other sections'.
 *
 * The seed network is a poor showcase for training (measured with the CPU trainer, seeds 1–6): at width 10 even the σ
 * that keeps the signal level (0.5) reaches a train loss of 0.2 on two spirals in none of them within 400 steps, and
 * with the config's `train` defaults (SGD at lr 0.1, momentum 0.9, 1000 points with noise 0.1, target 0.1) no series
 * of the seed sweep gets anywhere at widths 10 to 32. So the section
 * - trains every series of the reader's sweep, plus PyTorch's kaiming_normal_ for the reader's activation as a
 *   reference that starts well (unless the sweep has it);
 * - on layers at least TRAIN_MIN_WIDTH wide (at width 32 He normal reaches the target in every seed tried, σ ≤ 0.1
 *   stall and σ = 0.5 mostly diverges: every outcome of the explainer's claim in one figure);
 * - with SHOWCASE_TRAIN while the reader's `train` object is the config's default one: as soon as a training control
 *   changes, the section trains exactly what the controls say.
 * Plain data, no DOM, so that tests derive the very config the page trains.
 */
import { bindActivation } from '../lab/activations';
import type { ExperimentConfig } from '../lab/config';
import { MAX_SERIES } from '../lab/configFields';
import { gridCells } from '../lab/grid';
import type { InitSpec } from '../lab/initializers';
import { defaultObject } from '../lab/schema';
import { TRAIN_SCHEMA, type TrainConfig } from '../lab/trainConfig';

export const TRAIN_MIN_WIDTH = 32;

/** Two spirals, SGD: the settings of the README's measured claim, evaluated every 10 steps for smooth live curves. */
export const SHOWCASE_TRAIN: TrainConfig = {
  dataset: { kind: 'spirals', size: 300, noise: 0.05, test: 0.2 },
  optimizer: { kind: 'sgd', lr: 0.02, momentum: 0.9, nesterov: false },
  batch: 32,
  steps: 400,
  evalEvery: 10,
  targetLoss: 0.2,
  coordCheck: false,
};

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The section's training settings: the showcase while the reader's are the config's defaults, theirs otherwise. */
export function sectionTrain(train: TrainConfig): TrainConfig {
  return sameJson(train, defaultObject(TRAIN_SCHEMA)) ? SHOWCASE_TRAIN : train;
}

/** Whether the section replaced the reader's (default) training settings by its own. */
export const usesShowcase = (train: TrainConfig) => sectionTrain(train) === SHOWCASE_TRAIN;

/** PyTorch's kaiming_normal_ for the activation: He normal with the activation's gain (√2 for ReLU). */
export function referenceInit(config: ExperimentConfig): InitSpec {
  const gain = bindActivation(config.activation, config).gain;
  return Math.abs(gain - Math.SQRT2) < 1e-12 ? { kind: 'he-normal' } : { kind: 'he-normal', gain };
}

/** The series in all: the sweep's, times every cell of the grid (listed widths, depths and learning rates). */
const seriesCount = (config: ExperimentConfig, sweep: InitSpec[]) => sweep.length * gridCells(config).length;

/** The reader's sweep with the reference appended, unless it is there already or would pass the series limit. */
export function trainingSweep(config: ExperimentConfig): InitSpec[] {
  const reference = referenceInit(config);
  const present = config.sweep.some((spec) => sameJson(spec, reference));
  const sweep = [...config.sweep, reference];
  return present || seriesCount(config, sweep) > MAX_SERIES ? config.sweep : sweep;
}

/** What the training section trains. Lists of widths, depths or learning rates (grid.ts) are trained as listed. */
export function trainingConfig(config: ExperimentConfig): ExperimentConfig {
  return {
    ...config,
    width: Math.max(config.width, TRAIN_MIN_WIDTH),
    sweep: trainingSweep(config),
    train: sectionTrain(config.train),
  };
}

/** The trained-symmetry panel: a constant start beside He normal, as the symmetry section draws them untrained. */
export const TRAINED_SYMMETRY_SWEEP: InitSpec[] = [{ kind: 'constant', value: 0.2 }, { kind: 'he-normal' }];
/** Hidden layers and units of that panel: few enough units to draw each one. */
export const TRAINED_SYMMETRY_SHAPE = { depth: 2, width: 8 };
export const TRAINED_SYMMETRY_STEPS = 100;

/** The section's data and optimizer on a small network, one evaluation at the end. */
export function trainedSymmetryConfig(config: ExperimentConfig): ExperimentConfig {
  const train = sectionTrain(config.train);
  return {
    ...config,
    ...TRAINED_SYMMETRY_SHAPE,
    axes: { width: null, depth: null, lr: null },
    sweep: TRAINED_SYMMETRY_SWEEP,
    train: { ...train, steps: TRAINED_SYMMETRY_STEPS, evalEvery: TRAINED_SYMMETRY_STEPS },
  };
}
