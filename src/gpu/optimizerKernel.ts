/** Companion of shaders/optimizer.wgsl: one SGD or Adam update of a parameter buffer, in place. */
import source from '../../shaders/optimizer.wgsl?raw';
import type { OptimizerSpec } from '../lab/trainConfig';
import { FRAGMENTS } from './fragments';
import { type BindingBuffers, defineKernel, Kernel, type KernelOf } from './kernel';

const spec = defineKernel({
  label: 'optimizer',
  source,
  fragments: [FRAGMENTS.moments],
  uniforms: {
    count: 'u32',
    // Workgroups dispatched: each thread strides over the values by their threads.
    groups: 'u32',
    kind: 'u32',
    lr: 'f32',
    momentum: 'f32',
    nesterov: 'u32',
    firstStep: 'u32',
    beta1: 'f32',
    beta2: 'f32',
    eps: 'f32',
    // Adam's lr / (1 − β₁^t) and √(1 − β₂^t), computed in float64.
    stepSize: 'f32',
    rootCorrection2: 'f32',
    measure: 'u32',
    step: 'u32',
  },
  bindings: {
    values: { type: 'array<f32>', access: 'read_write' },
    grads: { type: 'array<f32>', access: 'read' },
    first: { type: 'array<f32>', access: 'read_write' },
    second: { type: 'array<f32>', access: 'read_write' },
    partials: { type: 'array<MomentPair>', access: 'read_write' },
    diverged: { type: 'array<atomic<u32>>', access: 'read_write' },
  },
});

export class OptimizerKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<OptimizerKernel> {
    return new OptimizerKernel(await Kernel.compile(device, spec));
  }

  /**
   * Update `step` (1-based) of `count` values in `groups` workgroups (geometry.ts's stridedGroups); `measure` writes
   * one partial of Δp and p per workgroup.
   */
  update(
    buffers: BindingBuffers<typeof spec.bindings>,
    optimizer: OptimizerSpec,
    count: number,
    step: number,
    measure: boolean,
    groups: number,
  ): void {
    const sgd = optimizer.kind === 'sgd';
    this.kernel.dispatch(
      {
        count,
        groups,
        kind: sgd ? 0 : 1,
        lr: optimizer.lr,
        momentum: sgd ? optimizer.momentum : 0,
        nesterov: sgd && optimizer.nesterov ? 1 : 0,
        firstStep: step === 1 ? 1 : 0,
        beta1: sgd ? 0 : optimizer.beta1,
        beta2: sgd ? 0 : optimizer.beta2,
        eps: sgd ? 0 : optimizer.eps,
        stepSize: sgd ? 0 : optimizer.lr / (1 - optimizer.beta1 ** step),
        rootCorrection2: sgd ? 1 : Math.sqrt(1 - optimizer.beta2 ** step),
        measure: measure ? 1 : 0,
        step,
      },
      buffers,
      [groups, 1],
    );
  }
}
