/**
 * Companion of shaders/normalizeBackward.wgsl: ∂L/∂v from ∂L/∂N(v) over the groups shaders/normalize.wgsl
 * normalized, from the N and factors it kept, written or added to a buffer, with one partial per group.
 */
import source from '../../shaders/normalizeBackward.wgsl?raw';
import type { NormKind } from '../lab/architecture';
import { FRAGMENTS } from './fragments';
import { type BindingBuffers, defineKernel, Kernel, type KernelOf } from './kernel';
import { groupDispatch, normGroups } from './normalizeKernel';

const spec = defineKernel({
  label: 'normalizeBackward',
  source,
  fragments: [FRAGMENTS.moments, FRAGMENTS.range],
  uniforms: {
    groupCount: 'u32',
    memberCount: 'u32',
    groupStride: 'u32',
    memberStride: 'u32',
    // 1: add to what `output` holds; 0: replace it.
    accumulate: 'u32',
    // The state slot whose slot-A flags the values written set.
    slot: 'u32',
  },
  bindings: {
    // ∂L/∂N(v).
    gradient: { type: 'array<f32>', access: 'read' },
    normalized: { type: 'array<f32>', access: 'read' },
    factors: { type: 'array<f32>', access: 'read' },
    output: { type: 'array<f32>', access: 'read_write' },
    partials: { type: 'array<Moments>', access: 'read_write' },
    layerState: { type: 'array<atomic<u32>>', access: 'read_write' },
  },
});

export type NormalizeBackwardBuffers = BindingBuffers<typeof spec.bindings>;

export interface NormalizeBackwardStep {
  kind: Exclude<NormKind, 'none'>;
  rows: number;
  width: number;
  accumulate: boolean;
  slot: number;
}

export class NormalizeBackwardKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<NormalizeBackwardKernel> {
    return new NormalizeBackwardKernel(await Kernel.compile(device, spec));
  }

  /** ∂L/∂v into (or onto) `output`; returns the partials written, one Moments per group. */
  backward(buffers: NormalizeBackwardBuffers, step: NormalizeBackwardStep): number {
    const groups = normGroups(step.kind, step.rows, step.width);
    const values = { ...groups, accumulate: step.accumulate ? 1 : 0, slot: step.slot };
    this.kernel.dispatch(values, buffers, groupDispatch(groups.groupCount));
    return groups.groupCount;
  }
}
