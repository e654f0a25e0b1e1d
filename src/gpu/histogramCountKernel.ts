/** Companion of shaders/histogramCount.wgsl: counts a buffer's values into a histogram slot over its range. */
import source from '../../shaders/histogramCount.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { type HistogramSource, SOURCE_UNIFORMS, sourceUniforms } from './histogramRangeKernel';
import { defineKernel, Kernel, type KernelOf } from './kernel';

const spec = defineKernel({
  label: 'histogramCount',
  source,
  fragments: [FRAGMENTS.histogramValue],
  uniforms: { ...SOURCE_UNIFORMS, bins: 'u32' },
  bindings: {
    values: { type: 'array<f32>', access: 'read' },
    ranges: { type: 'array<u32>', access: 'read' },
    counts: { type: 'array<atomic<u32>>', access: 'read_write' },
  },
});

export class HistogramCountKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<HistogramCountKernel> {
    return new HistogramCountKernel(await Kernel.compile(device, spec));
  }

  run(ranges: GPUBuffer, counts: GPUBuffer, bins: number, s: HistogramSource): void {
    const { groups, values } = sourceUniforms(s);
    this.kernel.dispatch({ ...values, bins }, { values: s.values, ranges, counts }, groups);
  }
}
