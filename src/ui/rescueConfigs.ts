/**
 * The trained comparison "Which bad starts normalization rescues": three starts — too small, He, too large — trained
 * in three networks — plain, plain with LayerNorm before every φ, residual with α = 1/√L and LayerNorm — on the same
 * data in the same minibatch order. One config per network, whose series are the three starts, so that the plain
 * networks with and without LayerNorm start from the very same weights (the same series, the same Philox addresses).
 *
 * The values come from `npm run train` runs (CPU trainer, seeds 1–3, two spirals, SGD): at width 64 and depth 8 the
 * plain network stalls from σ = 0.01 (its signal shrinks by n·σ²/2 = 0.0032 a layer) and diverges within a few
 * updates from σ = 1 (it grows by 32 a layer), while He trains in all three networks. The reader's seed is the only
 * thing taken from the panel: the starts are chosen for ReLU at this size, and the outcomes are read from the run.
 * Plain data, no DOM, so that tests derive the very configs the page trains.
 */
import { type ArchitectureConfig, INVERSE_SQRT_DEPTH } from '../lab/architecture';
import { defaultConfig, type ExperimentConfig } from '../lab/config';
import type { InitSpec } from '../lab/initializers';
import type { TrainConfig } from '../lab/trainConfig';
import { SHOWCASE_TRAIN } from './trainingConfig';

export interface RescueStart {
  id: string;
  init: InitSpec;
}

/** In the series' order; their labels are the initializers' own ("σ = 0.01", "He normal"). */
export const RESCUE_STARTS: RescueStart[] = [
  { id: 'small', init: { kind: 'normal', sigma: 0.01 } },
  { id: 'he', init: { kind: 'he-normal' } },
  { id: 'large', init: { kind: 'normal', sigma: 1 } },
];

export interface RescueNetwork {
  id: string;
  label: string;
  architecture: Pick<ArchitectureConfig, 'kind' | 'branchScale' | 'norm'>;
}

/** The plain network first: a start is rescued when it fails there and trains in a normalized network. */
export const RESCUE_NETWORKS: RescueNetwork[] = [
  { id: 'plain', label: 'plain', architecture: { kind: 'plain', branchScale: 1, norm: 'none' } },
  { id: 'layernorm', label: 'plain + LayerNorm', architecture: { kind: 'plain', branchScale: 1, norm: 'layer' } },
  {
    id: 'residual',
    label: 'residual α = 1/√L + LayerNorm',
    architecture: { kind: 'residual', branchScale: INVERSE_SQRT_DEPTH, norm: 'layer' },
  },
];

/** The training section's showcase task, 300 steps evaluated every 20: the evaluations cost as much as the updates. */
export const RESCUE_TRAIN: TrainConfig = { ...SHOWCASE_TRAIN, steps: 300, evalEvery: 20 };

export const RESCUE_SHAPE = { width: 64, depth: 8 };

/** What one network of the grid trains: every start, on the reader's seed. */
export function rescueConfig(panel: ExperimentConfig, network: RescueNetwork): ExperimentConfig {
  const base = defaultConfig();
  return {
    ...base,
    ...RESCUE_SHAPE,
    seed: panel.seed,
    activation: 'relu',
    sweep: RESCUE_STARTS.map((s) => s.init),
    train: RESCUE_TRAIN,
    architecture: { ...base.architecture, ...network.architecture },
  };
}
