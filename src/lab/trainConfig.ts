/**
 * The config's `train` object: what the training section and `npm run train` train every series on — a dataset drawn
 * from the Philox stream, an optimizer with PyTorch's conventions, the minibatch size, the steps and how often the
 * whole train and test sets are evaluated. Declared once as a typed table (schema.ts) for validation, the URL and the
 * README.
 */
import { MAX_WIDTH } from './configFields';
import type { ObjectSpec } from './schema';

export type PlaneDataset = 'spirals' | 'circles' | 'xor';
export type DatasetSpec =
  | { kind: PlaneDataset; size: number; noise: number; test: number }
  | { kind: 'blobs'; size: number; noise: number; test: number; classes: number }
  | {
      kind: 'teacher';
      size: number;
      dim: number;
      classes: number;
      depth: number;
      width: number;
      noise: number;
      test: number;
    };

export type OptimizerSpec =
  | { kind: 'sgd'; lr: number; momentum: number; nesterov: boolean }
  | { kind: 'adam'; lr: number; beta1: number; beta2: number; eps: number };

export interface TrainConfig {
  dataset: DatasetSpec;
  optimizer: OptimizerSpec;
  /** Rows per minibatch. */
  batch: number;
  /** Optimizer steps. */
  steps: number;
  /** The whole train and test sets are evaluated at step 0 and every `evalEvery` steps. */
  evalEvery: number;
  /** The train loss that counts as trained. */
  targetLoss: number;
  /** Also measure Z_t − Z_0 at every evaluation (μP's coordinate check). */
  coordCheck: boolean;
}

export const MAX_DATASET_SIZE = 200_000;
/** Points × dimensions of a dataset: 2^24 values, 128 MiB in float64 on the CPU, 64 MiB in float32 on the GPU. */
export const MAX_DATASET_ELEMENTS = 2 ** 24;
export const MAX_TRAIN_BATCH = 65_536;

const size = (fallback: number) =>
  ({
    type: 'int',
    default: fallback,
    min: 4,
    max: MAX_DATASET_SIZE,
    description: 'points drawn, train and test together',
  }) as const;
const noise = (fallback: number, what: string) =>
  ({ type: 'number', default: fallback, min: 0, max: 10, description: what }) as const;
const test = {
  type: 'number',
  default: 0.2,
  min: 0.05,
  max: 0.9,
  description: 'fraction of the points held out as the test set',
} as const;
const planeNoise = noise(0.1, 'std of the Gaussian noise added to each coordinate');

export const TRAIN_SCHEMA: ObjectSpec = {
  type: 'object',
  description: 'what the training section and npm run train do',
  fields: {
    dataset: {
      type: 'variant',
      default: 'spirals',
      description: 'the data every series is trained on, drawn from the Philox stream (stream 3)',
      kinds: {
        spirals: {
          summary: 'two interleaved spirals in the plane: 2 classes',
          fields: { size: size(1000), noise: planeNoise, test },
        },
        circles: { summary: 'a disc inside a ring: 2 classes', fields: { size: size(1000), noise: planeNoise, test } },
        xor: {
          summary: 'the four quadrants, opposite ones alike: 2 classes',
          fields: { size: size(1000), noise: planeNoise, test },
        },
        blobs: {
          summary: 'Gaussian blobs around points on a circle: one class each',
          fields: {
            size: size(1000),
            noise: noise(0.35, 'std of each blob'),
            test,
            classes: { type: 'int', default: 3, min: 2, max: 10, description: 'blobs, one class each' },
          },
        },
        teacher: {
          summary: 'N(0, I) inputs labelled (classes) or valued (regression) by a random teacher network',
          fields: {
            size: size(4000),
            dim: { type: 'int', default: 32, min: 1, max: MAX_WIDTH, description: 'input dimension d' },
            classes: {
              type: 'int',
              default: 2,
              min: 0,
              max: 100,
              description: "classes, the teacher's argmax; 0: regression on its outputs",
            },
            depth: {
              type: 'int',
              default: 2,
              min: 1,
              max: 16,
              description: "the teacher's hidden layers (tanh, LeCun normal)",
            },
            width: { type: 'int', default: 64, min: 1, max: 4096, description: "the teacher's hidden width" },
            noise: noise(0, 'std of Gaussian noise on regression targets'),
            test,
          },
        },
      },
    },
    optimizer: {
      type: 'variant',
      default: 'sgd',
      description: "PyTorch's torch.optim conventions, so an exported run replays there",
      kinds: {
        sgd: {
          summary: 'SGD with momentum: buffer = μ·buffer + g (g at step 1), w −= lr·buffer',
          fields: {
            lr: { type: 'number', default: 0.1, min: 0, exclusiveMin: true, max: 100, description: 'learning rate' },
            momentum: { type: 'number', default: 0.9, min: 0, max: 0.999, description: 'μ; 0 is plain SGD' },
            nesterov: { type: 'boolean', default: false, description: 'Nesterov momentum: w −= lr·(g + μ·buffer)' },
          },
        },
        adam: {
          summary: 'Adam with bias correction: w −= lr·m̂/(√v̂ + ε)',
          fields: {
            lr: { type: 'number', default: 0.001, min: 0, exclusiveMin: true, max: 10, description: 'learning rate' },
            beta1: { type: 'number', default: 0.9, min: 0, max: 0.9999, description: 'decay of the first moment m' },
            beta2: {
              type: 'number',
              default: 0.999,
              min: 0,
              max: 0.999999,
              description: 'decay of the second moment v',
            },
            eps: {
              type: 'number',
              default: 1e-8,
              min: 0,
              exclusiveMin: true,
              max: 1,
              description: 'ε in the denominator',
            },
          },
        },
      },
    },
    batch: { type: 'int', default: 32, min: 1, max: MAX_TRAIN_BATCH, description: 'rows per minibatch' },
    steps: { type: 'int', default: 500, min: 0, max: 10_000_000, description: 'optimizer steps' },
    evalEvery: {
      type: 'int',
      default: 10,
      min: 1,
      max: 10_000_000,
      description: 'the whole train and test sets are evaluated at step 0 and every this many steps',
    },
    targetLoss: {
      type: 'number',
      default: 0.1,
      min: 0,
      exclusiveMin: true,
      max: 1e6,
      description: 'the train loss that counts as trained',
    },
    coordCheck: {
      type: 'boolean',
      default: false,
      description:
        "also measure each layer's change since initialization, Z_t − Z_0 on the train set, at every evaluation (μP's coordinate check; keeps a copy of the initial network)",
    },
  },
};

/** Rows of the train and test sets: the test set is the last round(size·test) points, never fewer than one. */
export function splitSizes(dataset: DatasetSpec): { train: number; test: number } {
  const test = Math.min(dataset.size - 1, Math.max(1, Math.round(dataset.size * dataset.test)));
  return { train: dataset.size - test, test };
}

/** Input dimension and outputs of a dataset: classes for classification, 1 value per output for regression. */
export function datasetShape(dataset: DatasetSpec): { dim: number; outputs: number; classes: number } {
  if (dataset.kind === 'teacher') return { dim: dataset.dim, outputs: dataset.classes || 1, classes: dataset.classes };
  const classes = dataset.kind === 'blobs' ? dataset.classes : 2;
  return { dim: 2, outputs: classes, classes };
}
