/**
 * In the browser: `measure` times one layer step (matmul + ReLU + statistics of Z and H) at rows = width three ways on the
 * same adapter: InitLab's fused kernel, TensorFlow.js's WebGPU backend, and a naive one-thread-per-output kernel.
 * Each time runs from submission to the results being readable on the CPU. `measureTraining` times training steps
 * (trainingTimings.ts), `measureSweep` the width sweep (sweepTimings.ts), `phase` the phase diagram (phaseTimings.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { acquireDevice, type GpuContext } from '../../src/gpu/device';
import { PARTIAL_BYTES, tilesAlong } from '../../src/gpu/geometry';
import { LayerKernel } from '../../src/gpu/layerKernel';
import { STATE } from '../../src/gpu/layerState';
import { MergeKernel } from '../../src/gpu/mergeKernel';
import { activations } from '../../src/lab/activations';
import type { ExperimentConfig } from '../../src/lab/config';
import { NaiveLayerKernel } from '../naiveLayerKernel';
import type { BenchOptimizer } from '../trainPlan';
import { measurePhase, type PhaseTiming } from './phaseTimings';
import { measureSweep, type SweepTimings } from './sweepTimings';
import { measureTraining, type TrainingTimings } from './trainingTimings';

export interface Timings {
  device: string;
  fused: number[];
  tfjs: number[];
  naive: number[];
}

declare global {
  interface Window {
    initlabBench: {
      measure(width: number, repetitions: number, warmUp: boolean): Promise<Timings>;
      measureTraining(width: number, optimizer: BenchOptimizer): Promise<TrainingTimings>;
      measureSweep(widths: number[], bufferBudget?: number): Promise<SweepTimings>;
      phase(config: ExperimentConfig, warmUp: ExperimentConfig): Promise<PhaseTiming>;
    };
  }
}

const RELU = activations.relu.id;
const { STORAGE, COPY_SRC, COPY_DST, MAP_READ } = GPUBufferUsage;

/** Uniform values in (−1, 1)·scale: the timing does not depend on them, only on avoiding subnormals. */
const randomMatrix = (n: number, scale: number) =>
  Float32Array.from({ length: n * n }, () => (2 * Math.random() - 1) * scale);

async function repeat(step: () => Promise<void>, repetitions: number, warmUp: boolean): Promise<number[]> {
  if (warmUp) await step();
  const times: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const started = performance.now();
    await step();
    times.push(performance.now() - started);
  }
  return times;
}

async function timeGpuKernels(
  gpu: GpuContext,
  n: number,
  repetitions: number,
  warmUp: boolean,
): Promise<{ fused: number[]; naive: number[] }> {
  const { device } = gpu;
  const [layer, merge, naive] = await Promise.all([
    LayerKernel.create(device),
    MergeKernel.create(device),
    NaiveLayerKernel.create(device),
  ]);
  const make = (size: number, usage: number) => device.createBuffer({ size: Math.max(16, size), usage });
  const input = make(n * n * 4, STORAGE | COPY_DST);
  const weights = make(n * n * 4, STORAGE | COPY_DST);
  const output = make(n * n * 4, STORAGE);
  const partials = make(tilesAlong(n) * tilesAlong(n) * PARTIAL_BYTES, STORAGE);
  const stateBytes = STATE.words * 4;
  const state = make(stateBytes, STORAGE | COPY_SRC | COPY_DST);
  const readback = make(stateBytes, MAP_READ | COPY_DST);
  device.queue.writeBuffer(input, 0, randomMatrix(n, 1));
  device.queue.writeBuffer(weights, 0, randomMatrix(n, Math.sqrt(6 / n)));
  const step = { rows: n, fanIn: n, fanOut: n, activationId: RELU, activateInput: true, layer: 0, slope: 0 };
  const biases = make(n * 4, STORAGE | COPY_DST);

  const fused = await repeat(
    async () => {
      layer.slab({ input, weights, biases, output, partials, layerState: state }, step, 0, n, 0, n);
      merge.merge(
        partials,
        state,
        { partialCount: tilesAlong(n) * tilesAlong(n), target: { layer: 0, slots: 'both' }, exponent: 'none' },
        (encoder) => encoder.copyBufferToBuffer(state, 0, readback, 0, stateBytes),
      );
      await readback.mapAsync(GPUMapMode.READ);
      readback.unmap();
    },
    repetitions,
    warmUp,
  );
  const naiveTimes = await repeat(
    async () => {
      naive.step(input, weights, output, { rows: n, fanIn: n, fanOut: n, activationId: RELU, bias: 0, slope: 0 });
      await device.queue.onSubmittedWorkDone();
    },
    repetitions,
    warmUp,
  );
  for (const b of [input, weights, biases, output, partials, state, readback]) b.destroy();
  return { fused, naive: naiveTimes };
}

async function timeTfjs(n: number, repetitions: number, warmUp: boolean): Promise<number[]> {
  const a = tf.tensor2d(randomMatrix(n, 1), [n, n]);
  const w = tf.tensor2d(randomMatrix(n, Math.sqrt(6 / n)), [n, n]);
  const times = await repeat(
    async () => {
      const z = tf.matMul(a, w);
      const h = tf.relu(z);
      const moments = [tf.moments(z), tf.moments(h)];
      await Promise.all(moments.flatMap((m) => [m.mean.data(), m.variance.data()]));
      tf.dispose([z, h, ...moments.flatMap((m) => [m.mean, m.variance])]);
    },
    repetitions,
    warmUp,
  );
  tf.dispose([a, w]);
  return times;
}

let gpu: Promise<GpuContext> | null = null;

async function useTfjsWebgpu(): Promise<void> {
  if (tf.getBackend() === 'webgpu') return;
  await tf.setBackend('webgpu');
  await tf.ready();
}

window.initlabBench = {
  async measure(width, repetitions, warmUp) {
    gpu ??= acquireDevice();
    await useTfjsWebgpu();
    const context = await gpu;
    const { fused, naive } = await timeGpuKernels(context, width, repetitions, warmUp);
    const tfjs = await timeTfjs(width, repetitions, warmUp);
    return { device: context.description, fused, tfjs, naive };
  },
  async measureTraining(width, optimizer) {
    await useTfjsWebgpu();
    return measureTraining(width, optimizer);
  },
  async measureSweep(widths, bufferBudget) {
    await useTfjsWebgpu();
    return measureSweep(widths, bufferBudget);
  },
  phase: measurePhase,
};
