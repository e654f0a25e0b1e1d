/** Companion of shaders/coordinates.wgsl: the coordinate check's sizes of a layer's Z, φ(Z) and Z − Z₀. */
import source from '../../shaders/coordinates.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { type BindingBuffers, defineKernel, Kernel, type KernelOf } from './kernel';

const spec = defineKernel({
  label: 'coordinates',
  source,
  fragments: [FRAGMENTS.moments, FRAGMENTS.activation],
  uniforms: {
    count: 'u32',
    // Workgroups dispatched: each thread strides over the elements by their threads.
    groups: 'u32',
    activationId: 'u32',
    slope: 'f32',
    activated: 'u32',
    delta: 'u32',
  },
  bindings: {
    values: { type: 'array<f32>', access: 'read' },
    initial: { type: 'array<f32>', access: 'read' },
    partials: { type: 'array<MomentPair>', access: 'read_write' },
    deltaPartials: { type: 'array<MomentPair>', access: 'read_write' },
  },
});

export interface CoordinateStep {
  count: number;
  /** φ's id and leaky ReLU's slope; null for the readout, which has none. */
  activation: { id: number; slope: number } | null;
  /** Also measure Z − Z₀ against `initial`. */
  delta: boolean;
  /** Workgroups (geometry.ts's stridedGroups): each writes one partial to each array. */
  groups: number;
}

export class CoordinatesKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<CoordinatesKernel> {
    return new CoordinatesKernel(await Kernel.compile(device, spec));
  }

  measure(buffers: BindingBuffers<typeof spec.bindings>, s: CoordinateStep): void {
    const { groups } = s;
    this.kernel.dispatch(
      {
        count: s.count,
        groups,
        activationId: s.activation?.id ?? 0,
        slope: s.activation?.slope ?? 0,
        activated: s.activation ? 1 : 0,
        delta: s.delta ? 1 : 0,
      },
      buffers,
      [groups, 1],
    );
  }
}
