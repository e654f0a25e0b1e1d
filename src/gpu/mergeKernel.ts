/** Companion of shaders/merge.wgsl: one layer's workgroup partials into its state (layerState.ts), and its exponent. */
import source from '../../shaders/merge.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { defineKernel, Kernel, type KernelOf } from './kernel';
import { EXPONENT_RULES, type ExponentRule } from './layerState';

const spec = defineKernel({
  label: 'merge',
  source,
  fragments: [FRAGMENTS.moments],
  uniforms: { partialCount: 'u32', momentsPerPartial: 'u32', firstSlot: 'u32', layer: 'u32', exponentRule: 'u32' },
  bindings: {
    partials: { type: 'array<Moments>', access: 'read' },
    state: { type: 'array<u32>', access: 'read_write' },
  },
});

/** Which slots a merge fills: both (a forward partial of Z and H), or slot A or B alone (a backward partial). */
export type MergeSlots = 'both' | 'a' | 'b';

export interface Merge {
  partialCount: number;
  slots: MergeSlots;
  /** 0-based layer index. */
  layer: number;
  exponent: ExponentRule;
}

export class MergeKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<MergeKernel> {
    return new MergeKernel(await Kernel.compile(device, spec));
  }

  merge(partials: GPUBuffer, state: GPUBuffer, m: Merge, after?: (encoder: GPUCommandEncoder) => void): void {
    this.kernel.dispatch(
      {
        partialCount: m.partialCount,
        momentsPerPartial: m.slots === 'both' ? 2 : 1,
        firstSlot: m.slots === 'b' ? 1 : 0,
        layer: m.layer,
        exponentRule: EXPONENT_RULES[m.exponent],
      },
      { partials, state },
      [1, 1],
      after,
    );
  }
}
