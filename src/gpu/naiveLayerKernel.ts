/** Companion of shaders/naiveLayer.wgsl: the one-thread-per-output baseline the benchmark measures the fused step against. */
import activation from '../../shaders/activation.wgsl?raw';
import source from '../../shaders/naiveLayer.wgsl?raw';
import { buildPipeline, dispatch, packUniforms, uniformBuffer } from './kernel';

const WORKGROUP_SIDE = 16;

export class NaiveLayerKernel {
  private constructor(private readonly device: GPUDevice, private readonly pipeline: GPUComputePipeline, private readonly uniforms: GPUBuffer) {}

  static async create(device: GPUDevice): Promise<NaiveLayerKernel> {
    const pipeline = await buildPipeline(device, 'naiveLayer', activation + source);
    return new NaiveLayerKernel(device, pipeline, uniformBuffer(device, 'naive layer params', 32));
  }

  step(input: GPUBuffer, weights: GPUBuffer, output: GPUBuffer, s: { rows: number; fanIn: number; fanOut: number; activationId: number; bias: number; slope: number }): void {
    const data = packUniforms([{ u32: s.rows }, { u32: s.fanIn }, { u32: s.fanOut }, { u32: s.activationId }, { f32: s.bias }, { f32: s.slope }]);
    dispatch(this.device, this.pipeline, this.uniforms, data, [input, weights, output],
      [Math.ceil(s.fanOut / WORKGROUP_SIDE), Math.ceil(s.rows / WORKGROUP_SIDE)]);
  }
}
