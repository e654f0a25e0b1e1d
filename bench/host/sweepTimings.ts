/**
 * In the browser: the width sweep (sweepPlan.ts) timed whole on the same adapter two ways — InitLab's GPU engine
 * training the width grid with the coordinate check on, and TensorFlow.js (tfjsSweep.ts) — each up to every layer's
 * slope against width. A one-width sweep at width 64 runs first on each, untimed, so that neither times its
 * backend's start-up or the pipelines it compiles once for every shape.
 */
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { coordinateCheck } from '../../src/lab/coordCheck';
import { trainToEnd } from '../../src/lab/training';
import { coordSlopes, SWEEP_STEPS, sweepConfig } from '../sweepPlan';
import { tfjsCoordinateCheck } from './tfjsSweep';

export interface SweepTimings {
  device: string;
  gpuMs: number;
  tfjsMs: number;
  /** The readout's slope of RMS Z against width after the last step, a check that both ran the same sweep. */
  gpuReadoutSlope: number;
  tfjsReadoutSlope: number;
}

const WARM_UP_WIDTH = 64;

/** The GPU engine's sweep; refused when a series diverged, which would time fewer steps than the sweep's. */
async function gpuSweep(engine: GpuEngine, widths: number[]): Promise<number> {
  const result = await trainToEnd(engine, sweepConfig(widths));
  const stopped = result.series.find((s) => s.outcome.status === 'diverged');
  if (stopped) throw new Error(`the GPU sweep's ${stopped.label} diverged at step ${stopped.outcome.step}`);
  const [group] = coordinateCheck(result.series, 'pre', 'rms');
  return group.panels[SWEEP_STEPS].lines.at(-1)?.fit?.slope ?? Number.NaN;
}

async function tfjsSweep(widths: number[]): Promise<number> {
  const config = sweepConfig(widths);
  const sizes: number[][][] = [];
  for (const width of widths) sizes.push(await tfjsCoordinateCheck(config, width));
  return coordSlopes(widths, sizes)[SWEEP_STEPS].at(-1) ?? Number.NaN;
}

async function timed(sweep: () => Promise<number>): Promise<{ ms: number; slope: number }> {
  const started = performance.now();
  const slope = await sweep();
  return { ms: performance.now() - started, slope };
}

export async function measureSweep(widths: number[], bufferBudget?: number): Promise<SweepTimings> {
  const engine = await GpuEngine.create({ bufferBudget });
  try {
    await gpuSweep(engine, [WARM_UP_WIDTH]);
    await tfjsSweep([WARM_UP_WIDTH]);
    const gpu = await timed(() => gpuSweep(engine, widths));
    const tfjs = await timed(() => tfjsSweep(widths));
    return {
      device: engine.device,
      gpuMs: gpu.ms,
      tfjsMs: tfjs.ms,
      gpuReadoutSlope: gpu.slope,
      tfjsReadoutSlope: tfjs.slope,
    };
  } finally {
    engine.dispose();
  }
}
