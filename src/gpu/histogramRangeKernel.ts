/** Companion of shaders/histogramRange.wgsl: folds the finite min and max of a buffer into a histogram's range slot. */
import activation from '../../shaders/activation.wgsl?raw';
import source from '../../shaders/histogramRange.wgsl?raw';
import value from '../../shaders/histogramValue.wgsl?raw';
import { ComputeKernel, grid, packUniforms } from './kernel';

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
  private constructor(private readonly kernel: ComputeKernel) {}

  static async create(device: GPUDevice): Promise<HistogramRangeKernel> {
    return new HistogramRangeKernel(
      await ComputeKernel.compile(device, 'histogramRange', activation + value + source, 32),
    );
  }

  run(ranges: GPUBuffer, s: HistogramSource): void {
    const { groups, gridWidth } = grid(s.count, VALUES_PER_GROUP);
    const data = packUniforms([
      { u32: s.count },
      { u32: s.activationId },
      { u32: s.applyPhi ? 1 : 0 },
      { u32: s.slot },
      { f32: s.slope },
      { u32: gridWidth },
    ]);
    this.kernel.dispatch(data, [s.values, ranges], groups);
  }
}
