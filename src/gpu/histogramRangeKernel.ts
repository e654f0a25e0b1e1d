/** Companion of shaders/histogramRange.wgsl: folds the finite min and max of a buffer into a histogram's range slot. */
import source from '../../shaders/histogramRange.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { VALUES_PER_GROUP } from './geometry';
import { defineKernel, grid, Kernel, type KernelOf } from './kernel';

/** Which values a histogram kernel reads: `count` of `values`, φ applied when `applyPhi`, into histogram `slot`. */
export interface HistogramSource {
  values: GPUBuffer;
  count: number;
  applyPhi: boolean;
  activationId: number;
  slope: number;
  slot: number;
}

/** The uniforms both histogram kernels read about their source. */
export const SOURCE_UNIFORMS = {
  count: 'u32',
  activation: 'u32',
  // 1: take φ of each value (H from Z), 0: the value itself.
  applyPhi: 'u32',
  slot: 'u32',
  slope: 'f32',
  // Values per row of the 2-D dispatch grid.
  gridWidth: 'u32',
} as const;

export function sourceUniforms(s: HistogramSource) {
  const { groups, gridWidth } = grid(s.count, VALUES_PER_GROUP);
  const { count, slot, slope } = s;
  return {
    groups,
    values: { count, activation: s.activationId, applyPhi: s.applyPhi ? 1 : 0, slot, slope, gridWidth },
  };
}

const spec = defineKernel({
  label: 'histogramRange',
  source,
  fragments: [FRAGMENTS.histogramValue],
  uniforms: SOURCE_UNIFORMS,
  bindings: {
    values: { type: 'array<f32>', access: 'read' },
    ranges: { type: 'array<atomic<u32>>', access: 'read_write' },
  },
});

export class HistogramRangeKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<HistogramRangeKernel> {
    return new HistogramRangeKernel(await Kernel.compile(device, spec));
  }

  run(ranges: GPUBuffer, s: HistogramSource): void {
    const { groups, values } = sourceUniforms(s);
    this.kernel.dispatch(values, { values: s.values, ranges }, groups);
  }
}
