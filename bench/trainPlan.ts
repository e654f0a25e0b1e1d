/**
 * What the training table measures, shared by the page (GPU and TF.js) and Node (the CPU trainer): the MLP, the
 * dataset, the optimizers, how many steps are timed, and how an InitLab training session is timed.
 */
import { type ExperimentConfig, parseConfig } from '../src/lab/config';
import type { OptimizerSpec } from '../src/lab/trainConfig';
import type { TrainingSession } from '../src/lab/training';

export const TRAIN_DEPTH = 8;
export const TRAIN_BATCH = 256;
/**
 * Timed steps per width, after one warm-up step. SwiftShader does about 1 GFLOP/s and a step at width 1024 is about
 * 13 GFLOP, so these keep the training table to a few minutes there; on a real GPU raise them.
 */
export const TIMED_STEPS: Record<number, number> = { 256: 10, 1024: 3 };
export const TRAIN_WIDTHS = Object.keys(TIMED_STEPS).map(Number);

/**
 * A teacher task of 64 inputs and 10 classes. 640 points leave 512 training rows, two minibatches, so the steps walk
 * through epochs as a real run does, while the evaluation at step 0 (the whole sets, untimed) stays short.
 */
export const TRAIN_DATASET = { kind: 'teacher', size: 640, dim: 64, classes: 10, depth: 2, width: 64, test: 0.2 };

export type BenchOptimizer = 'sgd' | 'adam';
export const BENCH_OPTIMIZERS: BenchOptimizer[] = ['sgd', 'adam'];

/** SGD with PyTorch's momentum 0.9 (TF.js: tf.train.momentum), and Adam with PyTorch's defaults. */
export const OPTIMIZER_SPECS: Record<BenchOptimizer, OptimizerSpec> = {
  sgd: { kind: 'sgd', lr: 0.01, momentum: 0.9, nesterov: false },
  adam: { kind: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
};

/**
 * One He-normal ReLU series trained for the warm-up and the timed steps, and one more: the only evaluations are at
 * step 0 and at that last step, which is never run, so no evaluation falls inside the timed steps.
 */
export function trainBenchConfig(width: number, optimizer: BenchOptimizer): ExperimentConfig {
  const steps = TIMED_STEPS[width] + 2;
  const parsed = parseConfig({
    depth: TRAIN_DEPTH,
    width,
    activation: 'relu',
    bias: 0,
    sweep: [{ kind: 'he-normal' }],
    train: {
      dataset: TRAIN_DATASET,
      optimizer: OPTIMIZER_SPECS[optimizer],
      batch: TRAIN_BATCH,
      steps,
      evalEvery: steps,
    },
  });
  if (!parsed.ok) throw new Error(`the training bench config is invalid: ${JSON.stringify(parsed.errors)}`);
  return parsed.config;
}

/**
 * Milliseconds of `steps` updates of a session, after one warm-up update (and the evaluation at step 0). Reading the
 * series' parameters back ends each part: it resolves only once the GPU has done every update queued before it.
 */
export async function timeSession(session: TrainingSession, steps: number): Promise<number> {
  await session.advance(1);
  await session.parameters(0);
  const started = performance.now();
  await session.advance(steps);
  await session.parameters(0);
  const ms = performance.now() - started;
  const { step, series } = session.snapshot();
  // A diverged series stops training, which would time fewer updates than counted.
  if (step !== steps + 1 || series[0].outcome.status === 'diverged') {
    throw new Error(`the timed session did not train ${steps} steps (at step ${step}: ${series[0].outcome.status})`);
  }
  return ms;
}
