/**
 * Training, as both engines do it — the definitions a GPU-vs-CPU comparison and an exported run rely on.
 *
 * The model: the lab's MLP with a readout. Layers l = 1 … L (L = config.depth): Z_l = H_{l−1}·W_l + b_l,
 * H_l = φ(Z_l), H_0 = X (the dataset's d inputs); the readout, layer L + 1: Z_{L+1} = H_L·W_{L+1} + b_{L+1}, no φ,
 * one unit per class (or per regression output). Every W_l, the readout's included, is [n_{l−1} × n_l] and drawn by
 * the series' initializer with fan_in = n_{l−1} and fan_out = n_l — the readout's fan_in is the width and its fan_out
 * the outputs — from the weights stream at {seed, series, trial 0, layer l} (src/lab/sampling.ts); every bias starts
 * at the config's `bias`. Another `architecture` (src/lab/architecture.ts) trains its own network the same way: with
 * normalization H_l = φ(N(Z_l)); a residual network trains W_in, each block's W_{l,1} and W_{l,2} and the readout
 * (reading φ(N(x_{L+1}))), each matrix at its own address (the readout's the last) and with its own bias, and its
 * layers below are its blocks: Z_l is the block's Z_{l,1}, H_l = φ(Z_{l,1}), `weightGrad` and `updateRatio` are
 * W_{l,1}'s, and `stream` and `branch` hold the moments of x_{l+1} and α·Z_{l,2} (W_in and W_{l,2} train, unreported). BatchNorm normalizes a
 * minibatch by its own statistics in an update, and a whole set as one batch in an evaluation (training mode
 * always). The loss is PyTorch's: CrossEntropyLoss (the batch's mean of −log softmax(Z_{L+1})[label])
 * for classes, MSELoss (the mean over all elements of (Z_{L+1} − y)², no ½) for regression. Update u (1-based) uses
 * minibatch u − 1 of minibatches.ts and the optimizer of trainConfig.ts, on the weights and the biases alike.
 *
 * History entry t (t = 0, evalEvery, 2·evalEvery, … and the last step) describes the network after t updates:
 * - train and test loss and accuracy over the whole sets (accuracy: argmax of the readout = label; null for regression);
 * - per layer (the readout is layer L + 1): `pre`, the moments of Z_l over the whole training set and its mean |Z_l|
 *   (mup's l1); `post`, mean |H_l| and E[H_l²] over the same rows (null for the readout, which has no φ); with
 *   `train.coordCheck`, `delta`: mean |Z_l(t) − Z_l(0)| and E[(Z_l(t) − Z_l(0))²] on the same rows;
 * - `weightGrad.meanSq`, E[(∂L/∂W_l)²] over W_l's elements for minibatch t (the one update t + 1 will use), at this
 *   network — also at the last entry, where no update follows;
 * - `updateRatio`, ‖W_l(t) − W_l(t − 1)‖ / ‖W_l(t − 1)‖ (Frobenius) of the last update; null at t = 0, and null
 *   where W_l(t − 1) was all zeros (zeros init: no scale to compare the step with; it is no divergence);
 * - `flags`: `pre` or `weightGrad` values the engine's arithmetic could not hold (results.ts's RangeFlag) — a flagged
 *   figure is not a measurement and is never presented as one (on the GPU, values beyond float32's statistics range).
 * A loss or a weight that is not finite stops its series: it diverged at step k when a weight or bias is not finite
 * after update k (checked after every update), or when the entry at k has a figure that is not finite and not flagged
 * (a loss, an accuracy, a moment, a gradient's mean square or an update ratio: the network after k updates cannot be
 * measured). The outcome says k, and no entry after the last finite one is recorded, so nothing non-finite is ever
 * plotted; the series' parameters stay as update k left them (the export's W_final may then hold NaN or ±Infinity).
 */
import type { ArchitectureConfig, MatrixRole, WeightMatrix } from './architecture';
import type { ExperimentConfig } from './config';
import type { InitSpec } from './initializers';
import { kindFactors, type LayerFactors, matrixKind } from './parametrization';
import type { Progress } from './progress';
import type { GridPlacement, RangeFlag } from './results';
import type { Moments } from './stats';

/** The size of a typical coordinate of a layer's values, two ways. */
export interface CoordinateSize {
  meanAbs: number;
  meanSq: number;
}

export interface TrainLayerRecord {
  /** 1 … depth, then depth + 1 for the readout. */
  layer: number;
  pre: Moments & { meanAbs: number };
  post: CoordinateSize | null;
  delta?: CoordinateSize;
  /** A residual block's stream x_{l+1} and its branch α·Z_{l,2} over the training set. */
  stream?: Moments;
  branch?: Moments;
  weightGrad: { meanSq: number };
  updateRatio: number | null;
  flags: RangeFlag[];
}

export interface TrainHistoryEntry {
  step: number;
  trainLoss: number;
  /** Null for regression. */
  trainAccuracy: number | null;
  testLoss: number;
  testAccuracy: number | null;
  layers: TrainLayerRecord[];
}

/**
 * trained: the train loss reached `targetLoss` (step: the first entry that did); diverged: a loss or weight stopped
 * being finite (step: the update that made it so); stalled: the train loss never fell below STALL_FRACTION of its
 * value at initialization — no real progress; unfinished: it did, but has not reached the target yet.
 */
export type TrainStatus = 'trained' | 'unfinished' | 'stalled' | 'diverged';
export interface TrainOutcome {
  status: TrainStatus;
  step: number | null;
}

/** A loss that has not fallen below 90 % of its initial value has made no real progress. */
export const STALL_FRACTION = 0.9;

export interface TrainSeries extends Partial<GridPlacement> {
  /** The learning rate it trained with, where the config lists several (a grid's lr axis). */
  lr?: number;
  label: string;
  init: InitSpec;
  history: TrainHistoryEntry[];
  outcome: TrainOutcome;
}

export interface TrainSnapshot {
  /** Updates done so far (every series has done as many, unless it diverged). */
  step: number;
  /** Every series has done `config.train.steps` updates, or diverged, and the last entry is recorded. */
  finished: boolean;
  series: TrainSeries[];
}

export interface TrainResult extends TrainSnapshot {
  config: ExperimentConfig;
  engine: 'cpu' | 'gpu';
  device?: string;
  timings: { totalMs: number };
}

/** A network's values on chosen inputs: the readout, and per layer its pre-activations when asked. */
export interface ForwardValues {
  /** [points × outputs]. */
  outputs: Float64Array;
  /** Per layer (readout last), [points × units]; empty unless asked. */
  pre: Float64Array[];
}

/** Every W_l and b_l of a series as it stands, W_l row-major [n_{l−1} × n_l]. */
export interface Parameters {
  weights: Float64Array[];
  biases: Float64Array[];
}

/** Training in progress on an engine: every series of the config, advanced on request (the page's play and step). */
export interface TrainingSession {
  /** The history so far. */
  snapshot(): TrainSnapshot;
  /**
   * Trains every series `steps` more updates (fewer at the end); resolves with the history so far. The entry at the
   * session's current step is taken first when it is due and missing (advance(0) at the start takes the entry at 0).
   * A cancelled advance rejects with CancelledError and leaves the session after a whole update, every series at the
   * same one; the next advance goes on from there. Calls are served in order, one at a time.
   */
  advance(
    steps: number,
    options?: { signal?: AbortSignal; onProgress?: (p: Progress) => void },
  ): Promise<TrainSnapshot>;
  /** Series `series`'s network on `points` ([count × dim]): decision regions, the neurons after training. */
  forward(series: number, points: Float64Array, withLayers: boolean): Promise<ForwardValues>;
  parameters(series: number): Promise<Parameters>;
  dispose(): void;
}

export interface Trainer {
  /** Starts training every series of `config` (config.train says how); nothing is computed until `advance`. */
  train(config: ExperimentConfig): Promise<TrainingSession>;
}

/**
 * Every figure of the entry is a finite number (null where the contract allows it), or flagged as one the engine
 * could not hold: else the series diverged.
 */
export function entryIsFinite(entry: TrainHistoryEntry): boolean {
  const figures = [entry.trainLoss, entry.testLoss, entry.trainAccuracy ?? 0, entry.testAccuracy ?? 0];
  for (const l of entry.layers) {
    const flagged = (quantity: string) => l.flags.some((f) => f.quantity === quantity);
    if (!flagged('pre')) figures.push(l.pre.mean, l.pre.var, l.pre.meanSq, l.pre.meanAbs);
    if (!flagged('weightGrad')) figures.push(l.weightGrad.meanSq);
    figures.push(l.updateRatio ?? 0, l.post?.meanAbs ?? 0, l.post?.meanSq ?? 0);
    figures.push(l.delta?.meanAbs ?? 0, l.delta?.meanSq ?? 0);
    figures.push(l.stream?.mean ?? 0, l.stream?.var ?? 0, l.stream?.meanSq ?? 0);
    figures.push(l.branch?.mean ?? 0, l.branch?.var ?? 0, l.branch?.meanSq ?? 0);
  }
  return figures.every(Number.isFinite);
}

/**
 * Each matrix's parametrization factors in the trained network (trainWork.ts's trainMatrices, the readout last): by
 * its role (parametrization.ts's matrixKind), so a plain layer's follow its place and a residual branch counts as hidden.
 */
export function trainFactors(
  config: ExperimentConfig,
  matrices: Pick<WeightMatrix, 'role' | 'layer'>[],
): LayerFactors[] {
  const { parametrization, depth, width } = config;
  return matrices.map((m) => {
    const factors = kindFactors(parametrization, matrixKind(m, depth), width, config.train.optimizer.kind);
    return biasBeforeBatchNorm(config.architecture, m.role) ? { ...factors, biasLr: 0 } : factors;
  });
}

/**
 * Whether a matrix's output reaches the loss only through BatchNorm: a plain layer's Z_l, or a residual network's
 * stream (W_in's and each W_{l,2}'s output), which every block and the readout read through N. BatchNorm removes each
 * unit's mean over the batch, so such a bias has gradient 0 in exact arithmetic, and it is not trained: an engine's
 * rounding of that 0 (~1e-17 in float64, ~1e-9 in float32) is no gradient, and Adam's m̂/(√v̂ + ε) would turn it into
 * steps of up to lr that move Z but nothing the network computes.
 */
function biasBeforeBatchNorm(architecture: ArchitectureConfig, role: MatrixRole): boolean {
  return architecture.norm === 'batch' && (role === 'hidden' || role === 'projection' || role === 'branchOut');
}

/** The outcome the history shows, given the step a series diverged at (null if it did not). */
export function outcomeOf(history: TrainHistoryEntry[], targetLoss: number, divergedAt: number | null): TrainOutcome {
  if (divergedAt !== null) return { status: 'diverged', step: divergedAt };
  const reached = history.find((e) => e.trainLoss <= targetLoss);
  if (reached) return { status: 'trained', step: reached.step };
  const initial = history[0]?.trainLoss ?? Infinity;
  const best = history.reduce((lowest, e) => Math.min(lowest, e.trainLoss), Infinity);
  return { status: best < STALL_FRACTION * initial ? 'unfinished' : 'stalled', step: null };
}

/** The steps at which history entries are taken, up to `upTo` updates: 0, every evalEvery, and the last. */
export function evaluationSteps(steps: number, evalEvery: number): number[] {
  const at = Array.from({ length: Math.floor(steps / evalEvery) + 1 }, (_, i) => i * evalEvery);
  if (at[at.length - 1] !== steps) at.push(steps);
  return at;
}

/** Trains every series to the end on one engine and returns the whole result. */
export async function trainToEnd(
  trainer: Trainer & { readonly name: 'cpu' | 'gpu'; readonly device?: string },
  config: ExperimentConfig,
  options: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
): Promise<TrainResult> {
  const started = performance.now();
  const session = await trainer.train(config);
  try {
    const snapshot = await session.advance(config.train.steps, options);
    return {
      ...snapshot,
      config,
      engine: trainer.name,
      ...(trainer.device ? { device: trainer.device } : {}),
      timings: { totalMs: performance.now() - started },
    };
  } finally {
    session.dispose();
  }
}
