/**
 * In the browser: the phase-diagram sweep on the GPU engine, after a warm-up run compiled the kernels: every network
 * at once, and the first SEQUENTIAL_SAMPLE networks run one at a time as ordinary experiments, for the time the grid
 * would take that way.
 */
import { GpuEngine } from '../../src/gpu/gpuEngine';
import type { ExperimentConfig } from '../../src/lab/config';
import { phasePoints, pointConfig } from '../../src/lab/phase';

export interface PhaseTiming {
  device: string;
  ms: number;
  oneAtATimeMs: number;
}

const SEQUENTIAL_SAMPLE = 16;

export async function measurePhase(config: ExperimentConfig, warmUp: ExperimentConfig): Promise<PhaseTiming> {
  const engine = await GpuEngine.create();
  try {
    await engine.run(warmUp, { phase: true });
    const result = await engine.run(config, { phase: true });
    const points = phasePoints(config);
    await engine.run(pointConfig(warmUp, 1, 0));
    const started = performance.now();
    for (const p of points.slice(0, SEQUENTIAL_SAMPLE)) await engine.run(pointConfig(config, p.sigmaW, p.sigmaB));
    const sample = performance.now() - started;
    return {
      device: engine.device,
      ms: result.timings.totalMs,
      oneAtATimeMs: (sample * points.length) / SEQUENTIAL_SAMPLE,
    };
  } finally {
    engine.dispose();
  }
}
