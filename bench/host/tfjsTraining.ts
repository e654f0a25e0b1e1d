/**
 * The training table's TensorFlow.js side, written as a TF.js user would: He-normal weights as tf.variable, the MLP as
 * tf.matMul → tf.add → tf.relu, tf.losses.softmaxCrossEntropy, one optimizer.minimize per step on the same dataset
 * and minibatch rows as InitLab's trainer. The loss is read back once, at the last timed step: InitLab's trainer
 * reads nothing back between evaluations either, and that read waits for every queued step.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone has no gradients; the full @tensorflow/tfjs package registers them the same way.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { ExperimentConfig } from '../../src/lab/config';
import { makeDataset } from '../../src/lab/datasets';
import { Minibatches } from '../../src/lab/minibatches';
import type { OptimizerSpec } from '../../src/lab/trainConfig';

function tfjsOptimizer(spec: OptimizerSpec): tf.Optimizer {
  return spec.kind === 'sgd'
    ? tf.train.momentum(spec.lr, spec.momentum, spec.nesterov)
    : tf.train.adam(spec.lr, spec.beta1, spec.beta2, spec.eps);
}

/** Milliseconds of `steps` TF.js training steps of `config`'s network, after one warm-up step (shaders compile there). */
export async function timeTfjsTraining(config: ExperimentConfig, steps: number): Promise<number> {
  const { seed, train } = config;
  const data = makeDataset(train.dataset, seed);
  const widths = [data.dim, ...new Array(config.depth).fill(config.width), data.outputs];
  const x = tf.tensor2d(Float32Array.from(data.train.x), [data.train.rows, data.dim]);
  const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(data.train.y), 'int32'), data.classes));
  const weights = widths
    .slice(1)
    .map((n, l) => tf.variable(tf.randomNormal([widths[l], n], 0, Math.sqrt(2 / widths[l]))));
  const biases = widths.slice(1).map((n) => tf.variable(tf.zeros([n])));
  const model = (input: tf.Tensor) =>
    weights.reduce((h: tf.Tensor, w, l) => {
      const z = tf.add(tf.matMul(h, w), biases[l]);
      return l < weights.length - 1 ? tf.relu(z) : z;
    }, input);
  const optimizer = tfjsOptimizer(train.optimizer);
  const batches = new Minibatches(seed, data.train.rows, train.batch);
  const step = async (index: number, readLoss: boolean) => {
    const cost = optimizer.minimize(() => {
      const rows = tf.tensor1d(batches.rowsOf(index), 'int32');
      return tf.losses.softmaxCrossEntropy(tf.gather(labels, rows), model(tf.gather(x, rows)));
    }, readLoss);
    if (cost) {
      await cost.data();
      cost.dispose();
    }
  };
  await step(0, true);
  const started = performance.now();
  for (let i = 1; i <= steps; i++) await step(i, i === steps);
  const ms = performance.now() - started;
  optimizer.dispose();
  tf.dispose([x, labels, ...weights, ...biases]);
  return ms;
}
