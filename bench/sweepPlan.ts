/**
 * What the width sweep measures (issue 11), shared by the page (GPU and TF.js) and Node (the CPU engine): μP's
 * coordinate check of a depth-8 He-normal ReLU MLP over a list of widths, trained 3 plain-SGD steps at batch 256 with
 * every step recorded, timed whole from the first weight drawn to every layer's slope against width.
 */
import { type ExperimentConfig, parseConfig } from '../src/lab/config';
import { fitSlope } from '../src/lab/coordCheck';

export const SWEEP_DEPTH = 8;
export const SWEEP_BATCH = 256;
export const SWEEP_STEPS = 3;
/** The range, for real GPUs; on SwiftShader (~1 GFLOP/s) a run names fewer with --sweep-widths. */
export const DEFAULT_SWEEP_WIDTHS = [256, 512, 1024, 2048, 4096];
/** Plain SGD, as tf.train.sgd: small enough that no width diverges in 3 steps of standard parametrization. */
export const SWEEP_LR = 0.01;

/**
 * A teacher task of 64 inputs and 10 classes whose 256 training rows are one minibatch: the coordinate check measures
 * every layer over the whole training set at each step, so this keeps it to the batch the steps train on.
 */
export const SWEEP_DATASET = { kind: 'teacher', size: 320, dim: 64, classes: 10, depth: 2, width: 64, test: 0.2 };

/** The sweep as one InitLab config: width as a grid axis, every step an entry with each layer's Z − Z₀. */
export function sweepConfig(widths: number[]): ExperimentConfig {
  const parsed = parseConfig({
    depth: SWEEP_DEPTH,
    width: widths,
    activation: 'relu',
    bias: 0,
    sweep: [{ kind: 'he-normal' }],
    train: {
      dataset: SWEEP_DATASET,
      optimizer: { kind: 'sgd', lr: SWEEP_LR, momentum: 0, nesterov: false },
      batch: SWEEP_BATCH,
      steps: SWEEP_STEPS,
      evalEvery: 1,
      coordCheck: true,
    },
  });
  if (!parsed.ok) throw new Error(`the width sweep's config is invalid: ${JSON.stringify(parsed.errors)}`);
  return parsed.config;
}

/**
 * Every layer's slope of log2 size against log2 width at every step, from sizes[width][step][layer]: the coordinate
 * check's figure, [step][layer]. NaN where a size is not a positive finite number, or with one width.
 */
export function coordSlopes(widths: number[], sizes: number[][][]): number[][] {
  return sizes[0].map((layers, step) =>
    layers.map((_, layer) => {
      const column = sizes.map((atWidth) => atWidth[step][layer]);
      const held = widths.length > 1 && column.every((v) => v > 0 && Number.isFinite(v));
      return held ? fitSlope(widths, column).slope : Number.NaN;
    }),
  );
}
