/** Companion of shaders/histogramCount.wgsl: counts a buffer's values into a histogram slot over its range. */
import activation from '../../shaders/activation.wgsl?raw';
import source from '../../shaders/histogramCount.wgsl?raw';
import value from '../../shaders/histogramValue.wgsl?raw';
import { type HistogramSource, VALUES_PER_GROUP } from './histogramRangeKernel';
import { ComputeKernel, grid, packUniforms } from './kernel';

export class HistogramCountKernel {
  private constructor(private readonly kernel: ComputeKernel) {}

  static async create(device: GPUDevice): Promise<HistogramCountKernel> {
    return new HistogramCountKernel(
      await ComputeKernel.compile(device, 'histogramCount', activation + value + source, 32),
    );
  }

  run(ranges: GPUBuffer, counts: GPUBuffer, bins: number, s: HistogramSource): void {
    const { groups, gridWidth } = grid(s.count, VALUES_PER_GROUP);
    const data = packUniforms([
      { u32: s.count },
      { u32: s.activationId },
      { u32: s.applyPhi ? 1 : 0 },
      { u32: s.slot },
      { f32: s.slope },
      { u32: gridWidth },
      { u32: bins },
    ]);
    this.kernel.dispatch(data, [s.values, ranges, counts], groups);
  }
}
