/** Companion of shaders/naiveLayer.wgsl: the one-thread-per-output baseline the benchmark measures the fused step against. */
import activation from '../../shaders/activation.wgsl?raw';
import source from '../../shaders/naiveLayer.wgsl?raw';
import { ComputeKernel, packUniforms } from './kernel';

const WORKGROUP_SIDE = 16;

export class NaiveLayerKernel {
  private constructor(private readonly kernel: ComputeKernel) {}

  static async create(device: GPUDevice): Promise<NaiveLayerKernel> {
    return new NaiveLayerKernel(await ComputeKernel.compile(device, 'naiveLayer', activation + source, 32));
  }

  step(
    input: GPUBuffer,
    weights: GPUBuffer,
    output: GPUBuffer,
    s: { rows: number; fanIn: number; fanOut: number; activationId: number; bias: number; slope: number },
  ): void {
    const data = packUniforms([
      { u32: s.rows },
      { u32: s.fanIn },
      { u32: s.fanOut },
      { u32: s.activationId },
      { f32: s.bias },
      { f32: s.slope },
    ]);
    this.kernel.dispatch(
      data,
      [input, weights, output],
      [Math.ceil(s.fanOut / WORKGROUP_SIDE), Math.ceil(s.rows / WORKGROUP_SIDE)],
    );
  }
}
