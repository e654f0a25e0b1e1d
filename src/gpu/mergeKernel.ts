/** Companion of shaders/merge.wgsl: one layer's workgroup partials into its layer state, and the next exponent. */
import moments from '../../shaders/moments.wgsl?raw';
import source from '../../shaders/merge.wgsl?raw';
import { buildPipeline, dispatch, packUniforms, uniformBuffer } from './kernel';

export class MergeKernel {
  private constructor(private readonly device: GPUDevice, private readonly pipeline: GPUComputePipeline, private readonly uniforms: GPUBuffer) {}

  static async create(device: GPUDevice): Promise<MergeKernel> {
    const pipeline = await buildPipeline(device, 'merge', moments + source);
    return new MergeKernel(device, pipeline, uniformBuffer(device, 'merge params', 16));
  }

  merge(
    partials: GPUBuffer, layerState: GPUBuffer,
    m: { partialCount: number; layer: number; renormalise: boolean },
    after?: (encoder: GPUCommandEncoder) => void,
  ): void {
    const data = packUniforms([{ u32: m.partialCount }, { u32: m.layer }, { u32: m.renormalise ? 1 : 0 }]);
    dispatch(this.device, this.pipeline, this.uniforms, data, [partials, layerState], [1, 1], after);
  }
}
