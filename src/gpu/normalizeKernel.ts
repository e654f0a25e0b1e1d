/**
 * Companion of shaders/normalize.wgsl: LayerNorm of every row or BatchNorm of every column of a [rows × width]
 * buffer (src/lab/normalization.ts), one thread per group, into another buffer, with the factor r of each group
 * and the statistics of N and φ(N) as one partial per group.
 */
import source from '../../shaders/normalize.wgsl?raw';
import type { NormKind } from '../lab/architecture';
import { FRAGMENTS } from './fragments';
import { type BindingBuffers, defineKernel, Kernel, type KernelOf } from './kernel';

const THREADS = 64;
/** WebGPU's guaranteed workgroups along one dimension: more groups than it holds go on in the second. */
const MAX_GROUPS = 65535;

const spec = defineKernel({
  label: 'normalize',
  source,
  fragments: [FRAGMENTS.moments, FRAGMENTS.activation, FRAGMENTS.range],
  uniforms: {
    groupCount: 'u32',
    memberCount: 'u32',
    // Element of member k of group g: g·groupStride + k·memberStride.
    groupStride: 'u32',
    memberStride: 'u32',
    eps: 'f32',
    activation: 'u32',
    slope: 'f32',
    // The state slot the range flags go to.
    slot: 'u32',
    // 1: also each group's factor and partial, and φ(N)'s flags (a pass that measures and differentiates N);
    // 0: N and the input's flags alone (a forward run whose φ(N) no statistic reports).
    record: 'u32',
  },
  bindings: {
    values: { type: 'array<f32>', access: 'read' },
    normalized: { type: 'array<f32>', access: 'read_write' },
    factors: { type: 'array<f32>', access: 'read_write' },
    partials: { type: 'array<MomentPair>', access: 'read_write' },
    layerState: { type: 'array<atomic<u32>>', access: 'read_write' },
  },
});

export type NormalizeBuffers = BindingBuffers<typeof spec.bindings>;

/** The groups of a normalization of a row-major [rows × width] matrix: rows of units, or columns of rows. */
export function normGroups(kind: Exclude<NormKind, 'none'>, rows: number, width: number) {
  return kind === 'layer'
    ? { groupCount: rows, memberCount: width, groupStride: width, memberStride: 1 }
    : { groupCount: width, memberCount: rows, groupStride: 1, memberStride: width };
}

/** Workgroups for one thread per group, the second dimension taking what the first cannot hold. */
export function groupDispatch(groupCount: number): [number, number] {
  const needed = Math.max(1, Math.ceil(groupCount / THREADS));
  const across = Math.min(needed, MAX_GROUPS);
  return [across, Math.ceil(needed / across)];
}

export interface NormalizeStep {
  kind: Exclude<NormKind, 'none'>;
  rows: number;
  width: number;
  eps: number;
  /** φ of the partials' second moments and of the B-slot flags. */
  activationId: number;
  slope: number;
  slot: number;
  record: boolean;
}

export class NormalizeKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<NormalizeKernel> {
    return new NormalizeKernel(await Kernel.compile(device, spec));
  }

  /** N of `values` into `normalized`; returns the partials written, one per group (merge them as pairs). */
  normalize(buffers: NormalizeBuffers, step: NormalizeStep): number {
    const groups = normGroups(step.kind, step.rows, step.width);
    const { eps, slope, slot } = step;
    const values = { ...groups, eps, activation: step.activationId, slope, slot, record: step.record ? 1 : 0 };
    this.kernel.dispatch(values, buffers, groupDispatch(groups.groupCount));
    return groups.groupCount;
  }
}
