/** Companion of shaders/histogramCount.wgsl: counts a buffer's values into a histogram slot over its range. */
import activation from '../../shaders/activation.wgsl?raw';
import source from '../../shaders/histogramCount.wgsl?raw';
import value from '../../shaders/histogramValue.wgsl?raw';
import { VALUES_PER_GROUP, type HistogramSource } from './histogramRangeKernel';
import { buildPipeline, dispatch, grid, packUniforms, uniformBuffer } from './kernel';


export class HistogramCountKernel {
  private constructor(private readonly device: GPUDevice, private readonly pipeline: GPUComputePipeline, private readonly uniforms: GPUBuffer) {}

  static async create(device: GPUDevice): Promise<HistogramCountKernel> {
    const pipeline = await buildPipeline(device, 'histogramCount', activation + value + source);
    return new HistogramCountKernel(device, pipeline, uniformBuffer(device, 'histogram count params', 32));
  }

  run(ranges: GPUBuffer, counts: GPUBuffer, bins: number, s: HistogramSource): void {
    const { groups, gridWidth } = grid(s.count, VALUES_PER_GROUP);
    const data = packUniforms([
      { u32: s.count }, { u32: s.activationId }, { u32: s.applyPhi ? 1 : 0 }, { u32: s.slot }, { f32: s.slope }, { u32: gridWidth }, { u32: bins },
    ]);
    dispatch(this.device, this.pipeline, this.uniforms, data, [s.values, ranges, counts], groups);
  }
}
