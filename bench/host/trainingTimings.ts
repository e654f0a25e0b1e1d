/**
 * In the browser: times the training table's steps at one width and optimizer two ways on the same adapter — one
 * InitLab GPU training session and TensorFlow.js's WebGPU backend training the same MLP on the same minibatches.
 */
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { type BenchOptimizer, TIMED_STEPS, timeSession, trainBenchConfig } from '../trainPlan';
import { timeTfjsTraining } from './tfjsTraining';

export interface TrainingTimings {
  device: string;
  steps: number;
  gpuMs: number;
  tfjsMs: number;
}

let engine: Promise<GpuEngine> | null = null;

export async function measureTraining(width: number, optimizer: BenchOptimizer): Promise<TrainingTimings> {
  engine ??= GpuEngine.create();
  const gpu = await engine;
  const config = trainBenchConfig(width, optimizer);
  const steps = TIMED_STEPS[width];
  const session = await gpu.train(config);
  let gpuMs: number;
  try {
    gpuMs = await timeSession(session, steps);
  } finally {
    session.dispose();
  }
  const tfjsMs = await timeTfjsTraining(config, steps);
  return { device: gpu.device, steps, gpuMs, tfjsMs };
}
