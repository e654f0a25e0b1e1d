/** Companion of shaders/gradMerge.wgsl: one layer's ∂L/∂Z or ∂L/∂W partials into its backward state. */

import source from '../../shaders/gradMerge.wgsl?raw';
import gradState from '../../shaders/gradState.wgsl?raw';
import moments from '../../shaders/moments.wgsl?raw';
import { ComputeKernel, packUniforms } from './kernel';
import { EXPONENT_RULES, type ExponentRule } from './mergeKernel';

/** Which statistics a merge writes: slot 0 ∂L/∂Z (and its exponent), slot 1 ∂L/∂W. */
export const GRAD_SLOTS = { grad: 0, weightGrad: 1 } as const;

export class GradMergeKernel {
  private constructor(private readonly kernel: ComputeKernel) {}

  static async create(device: GPUDevice): Promise<GradMergeKernel> {
    return new GradMergeKernel(await ComputeKernel.compile(device, 'gradMerge', moments + gradState + source, 16));
  }

  merge(
    partials: GPUBuffer,
    state: GPUBuffer,
    m: { partialCount: number; layer: number; slot: keyof typeof GRAD_SLOTS; exponent: ExponentRule },
  ): void {
    const data = packUniforms([
      { u32: m.partialCount },
      { u32: m.layer },
      { u32: GRAD_SLOTS[m.slot] },
      { u32: EXPONENT_RULES[m.exponent] },
    ]);
    this.kernel.dispatch(data, [partials, state], [1, 1]);
  }
}
