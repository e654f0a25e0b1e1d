/** The engines the page can use: the CPU worker always, the GPU when WebGPU gives an adapter. */
import type { Engine } from '../lab/results';
import { WorkerCpuEngine } from './workerEngine';

export interface EngineSet {
  cpu: Engine;
  gpu: Engine | null;
  /** Why the GPU engine is missing, in words; null when it is there. */
  gpuProblem: string | null;
}

export const ENABLE_WEBGPU_HELP =
  'To use the GPU engine, open this page in Chrome or Edge 113+ from a secure origin such as http://localhost; on Linux, start Chrome with --enable-unsafe-webgpu.';

export async function startEngines(): Promise<EngineSet> {
  return { cpu: new WorkerCpuEngine(), gpu: null, gpuProblem: 'The GPU engine is not part of this build yet.' };
}
