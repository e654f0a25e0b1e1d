/** Companion of shaders/outputGradient.wgsl: δ_L = g_L ⊙ φ'(Z_L) for one chunk, g_L drawn on the GPU, with statistics. */
import activation from '../../shaders/activation.wgsl?raw';
import gradState from '../../shaders/gradState.wgsl?raw';
import moments from '../../shaders/moments.wgsl?raw';
import source from '../../shaders/outputGradient.wgsl?raw';
import philox from '../../shaders/philox.wgsl?raw';
import range from '../../shaders/range.wgsl?raw';
import tileMoments from '../../shaders/tileMoments.wgsl?raw';
import { ComputeKernel, packUniforms } from './kernel';
import { tilesAlong } from './layerKernel';
import { SAMPLING_CONSTANTS } from './shapes';

export interface OutputGradientStep {
  seed: number;
  trial: number;
  rows: number;
  width: number;
  depth: number;
  activationId: number;
  slope: number;
}

export class OutputGradientKernel {
  private constructor(private readonly kernel: ComputeKernel) {}

  static async create(device: GPUDevice): Promise<OutputGradientKernel> {
    const code = SAMPLING_CONSTANTS + philox + moments + tileMoments + activation + range + gradState + source;
    return new OutputGradientKernel(await ComputeKernel.compile(device, 'outputGradient', code, 32));
  }

  /** `batchRows` holds the chunk's batch-row indices (u32); one partial per 64×64 tile of [rows × width]. */
  run(
    b: { batchRows: GPUBuffer; pre: GPUBuffer; delta: GPUBuffer; partials: GPUBuffer; gradState: GPUBuffer },
    s: OutputGradientStep,
  ): void {
    const data = packUniforms([
      { u32: s.seed },
      { u32: s.trial },
      { u32: s.rows },
      { u32: s.width },
      { u32: s.depth },
      { u32: s.activationId },
      { u32: tilesAlong(s.width) },
      { f32: s.slope },
    ]);
    this.kernel.dispatch(
      data,
      [b.batchRows, b.pre, b.delta, b.partials, b.gradState],
      [tilesAlong(s.width), tilesAlong(s.rows)],
    );
  }
}
