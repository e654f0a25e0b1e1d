/**
 * The width sweep's TensorFlow.js side, written as a TF.js user would: per width, He-normal weights from
 * tf.randomNormal as tf.variable, tf.train.sgd, and at every step each layer's Z (tf.moments), |Z|, φ(Z) and Z − Z₀ over
 * the training set, read back before the step's update. Z₀ stays on the GPU from step 0, which spares TF.js the second
 * forward pass InitLab's trainer makes for it.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { ExperimentConfig } from '../../src/lab/config';
import { makeDataset } from '../../src/lab/datasets';
import { Minibatches } from '../../src/lab/minibatches';

/** Per step, per layer (the readout last) the RMS of Z over the training set: sizes[step][layer] for one width. */
export async function tfjsCoordinateCheck(config: ExperimentConfig, width: number): Promise<number[][]> {
  const { seed, train, depth } = config;
  const data = makeDataset(train.dataset, seed);
  const units = [data.dim, ...new Array(depth).fill(width), data.outputs];
  const x = tf.tensor2d(Float32Array.from(data.train.x), [data.train.rows, data.dim]);
  const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(data.train.y), 'int32'), data.classes));
  const weights = units.slice(1).map((n, l) => tf.variable(tf.randomNormal([units[l], n], 0, Math.sqrt(2 / units[l]))));
  const biases = units.slice(1).map((n) => tf.variable(tf.zeros([n])));
  const preActivations = (input: tf.Tensor) => {
    const zs: tf.Tensor[] = [];
    weights.reduce((h: tf.Tensor, w, l) => {
      zs.push(tf.add(tf.matMul(h, w), biases[l]));
      return l < weights.length - 1 ? tf.relu(zs[l]) : zs[l];
    }, input);
    return zs;
  };
  const optimizer = tf.train.sgd(train.optimizer.lr);
  const batches = new Minibatches(seed, data.train.rows, train.batch);
  let initial: tf.Tensor[] = [];
  const sizes: number[][] = [];
  for (let step = 0; step <= train.steps; step++) {
    const stats = tf.tidy(() => {
      const zs = preActivations(x);
      if (step === 0) initial = zs.map((z) => tf.keep(z));
      const figures = zs.flatMap((z, l) => {
        const { mean, variance } = tf.moments(z);
        const delta = tf.sub(z, initial[l]);
        const changes = [tf.mean(tf.abs(z)), tf.mean(tf.abs(delta)), tf.mean(tf.square(delta))];
        // The readout has no φ: its post-activation sizes are zeros, to keep one row shape.
        const h = l < zs.length - 1 ? tf.relu(z) : tf.zeros([1]);
        return [mean, variance, ...changes, tf.mean(tf.abs(h)), tf.mean(tf.square(h))];
      });
      return tf.stack(figures);
    });
    const read = await stats.data();
    stats.dispose();
    const perLayer = read.length / weights.length;
    sizes.push(weights.map((_, l) => Math.sqrt(read[l * perLayer + 1] + read[l * perLayer] ** 2)));
    if (step === train.steps) break;
    optimizer.minimize(() => {
      const rows = tf.tensor1d(batches.rowsOf(step), 'int32');
      const logits = preActivations(tf.gather(x, rows))[weights.length - 1];
      return tf.losses.softmaxCrossEntropy(tf.gather(labels, rows), logits);
    });
  }
  optimizer.dispose();
  tf.dispose([x, labels, ...weights, ...biases, ...initial]);
  return sizes;
}
