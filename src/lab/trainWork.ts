/**
 * How much work training is, in the multiply–adds of its products, for the estimate before a run and for progress:
 * - an update computes one minibatch's forward pass, its weight gradients (as many multiply–adds again) and δ·Wᵀ for
 *   every layer above the first: batch × (3·forward − n_0·n_1) per row of forward work;
 * - a history entry runs the whole train and test sets forward, and computes the gradient of the minibatch the next
 *   update uses (training.ts), which that update then takes instead of computing it again.
 * The time comes from the engine's measured speed at its forward product (Engine.estimate): one speed per engine,
 * measured once, for the experiments and training alike.
 */
import { trainedMatrices, type WeightMatrix } from './architecture';
import { batchRows, type ExperimentConfig } from './config';
import type { Engine } from './engine';
import { gridCells } from './grid';
import { datasetShape, type TrainConfig } from './trainConfig';
import { estimateRun, type RunEstimate } from './work';

/** The trained network's weight matrices (architecture.ts): the config's network on the dataset's inputs, and the readout. */
export function trainMatrices(config: ExperimentConfig): WeightMatrix[] {
  const { dim, outputs } = datasetShape(config.train.dataset);
  return trainedMatrices(config.architecture, dim, config.width, config.depth, outputs);
}

/** Multiply–adds of one row through the whole network. */
export function forwardPerRow(matrices: WeightMatrix[]): number {
  return matrices.reduce((sum, m) => sum + m.fanIn * m.fanOut, 0);
}

/** One minibatch forward and back: the work of an update (the first matrix passes no gradient to the data). */
export function minibatchWork(config: ExperimentConfig): number {
  const matrices = trainMatrices(config);
  return config.train.batch * (3 * forwardPerRow(matrices) - matrices[0].fanIn * matrices[0].fanOut);
}

/** One history entry: both sets forward, and the next update's minibatch gradient. */
export function entryWork(config: ExperimentConfig): number {
  return config.train.dataset.size * forwardPerRow(trainMatrices(config)) + minibatchWork(config);
}

/** History entries taken at steps first … last (training.ts's evaluationSteps, counted without listing them). */
export function entriesBetween(train: TrainConfig, first: number, last: number): number {
  if (last < first) return 0;
  const multiples = Math.floor(last / train.evalEvery) - Math.floor((first - 1) / train.evalEvery);
  const final = train.steps >= first && train.steps <= last && train.steps % train.evalEvery !== 0 ? 1 : 0;
  return multiples + final;
}

/**
 * One series' work to go from `from` updates to `to`, taking the entry at `from` first when it is still missing:
 * an update that follows an entry reuses the gradient the entry computed.
 */
export function advanceWork(config: ExperimentConfig, from: number, to: number, entryMissing: boolean): number {
  const reused = entriesBetween(config.train, from, to - 1);
  const entries = entriesBetween(config.train, from + 1, to) + (entryMissing ? 1 : 0);
  return (to - from - reused) * minibatchWork(config) + entries * entryWork(config);
}

/** Every series' work, over every cell of a grid, to go from `from` updates to `to` (as advanceWork). */
export function gridAdvanceWork(config: ExperimentConfig, from: number, to: number, entryMissing: boolean): number {
  return gridCells(config).reduce(
    (sum, cell) => sum + cell.config.sweep.length * advanceWork(cell.config, from, to, entryMissing),
    0,
  );
}

/** Multiply–adds of training every series to the end, over every cell of a grid. */
export function trainWork(config: ExperimentConfig): number {
  return gridAdvanceWork(config, 0, config.train.steps, true);
}

/**
 * The run whose speed stands for training's on an engine: the config itself, but where a BatchNorm network would
 * normalize a single input row — which a run refuses (it is 0 whatever it holds) and training never does (it
 * normalizes minibatches) — a minibatch's rows of random input instead.
 */
function speedRun(config: ExperimentConfig): ExperimentConfig {
  if (config.architecture.norm !== 'batch' || batchRows(config) >= 2) return config;
  const width = 'values' in config.input ? config.input.values.length : config.input.width;
  return { ...config, input: { distribution: 'normal', batch: config.train.batch, width } };
}

/** What training `config` should cost on `engine`, at the speed the engine measured for its experiments. */
export async function estimateTraining(engine: Engine, config: ExperimentConfig): Promise<RunEstimate> {
  const { macsPerSecond } = await engine.estimate(speedRun(config));
  return estimateRun(trainWork(config), macsPerSecond, null);
}
