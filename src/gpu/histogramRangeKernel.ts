/** Companion of shaders/histogramRange.wgsl: folds the finite min and max of a buffer into a histogram's range slot. */
import activation from '../../shaders/activation.wgsl?raw';
import source from '../../shaders/histogramRange.wgsl?raw';
import value from '../../shaders/histogramValue.wgsl?raw';
import { buildPipeline, dispatch, grid, packUniforms, uniformBuffer } from './kernel';

/** Values one workgroup reads (shaders/histogramValue.wgsl's VALUES_PER_GROUP). */
export const VALUES_PER_GROUP = 4096;

/** Which values a histogram kernel reads: `count` of `values`, φ applied when `applyPhi`, into histogram `slot`. */
export interface HistogramSource {
  values: GPUBuffer;
  count: number;
  applyPhi: boolean;
  activationId: number;
  slope: number;
  slot: number;
}

export class HistogramRangeKernel {
  private constructor(private readonly device: GPUDevice, private readonly pipeline: GPUComputePipeline, private readonly uniforms: GPUBuffer) {}

  static async create(device: GPUDevice): Promise<HistogramRangeKernel> {
    const pipeline = await buildPipeline(device, 'histogramRange', activation + value + source);
    return new HistogramRangeKernel(device, pipeline, uniformBuffer(device, 'histogram range params', 32));
  }

  run(ranges: GPUBuffer, s: HistogramSource): void {
    const { groups, gridWidth } = grid(s.count, VALUES_PER_GROUP);
    const data = packUniforms([
      { u32: s.count }, { u32: s.activationId }, { u32: s.applyPhi ? 1 : 0 }, { u32: s.slot }, { f32: s.slope }, { u32: gridWidth },
    ]);
    dispatch(this.device, this.pipeline, this.uniforms, data, [s.values, ranges], groups);
  }
}
