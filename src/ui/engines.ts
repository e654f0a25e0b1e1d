/** The engines the page can use: the CPU worker always, the GPU when WebGPU gives an adapter. */
import { GpuEngine, GpuUnavailableError } from '../gpu/gpuEngine';
import type { Engine } from '../lab/engine';
import { WorkerCpuEngine } from './workerEngine';

export interface EngineSet {
  cpu: Engine;
  gpu: Engine | null;
  /** Why the GPU engine is missing, in words; null when it is there. */
  gpuProblem: string | null;
  /** What to say about the GPU the engine found (an emulated one), or null. */
  gpuNote: string | null;
}

export const ENABLE_WEBGPU_HELP =
  'To use the GPU engine, open this page in Chrome or Edge 113 or later from a secure origin such as http://localhost; on Linux, start Chrome with --enable-unsafe-webgpu.';

export async function startEngines(): Promise<EngineSet> {
  const cpu = new WorkerCpuEngine();
  try {
    const gpu = await GpuEngine.create();
    return { cpu, gpu, gpuProblem: null, gpuNote: gpu.note && `${gpu.device}: ${gpu.note}.` };
  } catch (error) {
    const reason =
      error instanceof GpuUnavailableError ? error.message : `WebGPU failed to start (${(error as Error).message}).`;
    return { cpu, gpu: null, gpuProblem: reason, gpuNote: null };
  }
}
