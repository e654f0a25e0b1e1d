/** Companion of shaders/merge.wgsl: one layer's workgroup partials into its layer state, and the next exponent. */

import source from '../../shaders/merge.wgsl?raw';
import moments from '../../shaders/moments.wgsl?raw';
import { ComputeKernel, packUniforms } from './kernel';

/** How a merge sets the exponent the next layer divides out (shaders/moments.wgsl): 0, chosen from the RMS, or kept as written. */
export const EXPONENT_RULES = { none: 0, choose: 1, keep: 2 } as const;
export type ExponentRule = keyof typeof EXPONENT_RULES;

export class MergeKernel {
  private constructor(private readonly kernel: ComputeKernel) {}

  static async create(device: GPUDevice): Promise<MergeKernel> {
    return new MergeKernel(await ComputeKernel.compile(device, 'merge', moments + source, 16));
  }

  merge(
    partials: GPUBuffer,
    layerState: GPUBuffer,
    m: { partialCount: number; layer: number; exponent: ExponentRule },
    after?: (encoder: GPUCommandEncoder) => void,
  ): void {
    const data = packUniforms([{ u32: m.partialCount }, { u32: m.layer }, { u32: EXPONENT_RULES[m.exponent] }]);
    this.kernel.dispatch(data, [partials, layerState], [1, 1], after);
  }
}
