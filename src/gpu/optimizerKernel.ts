/**
 * Companion of shaders/optimizer.wgsl and shaders/optimizerMeasured.wgsl: one SGD or Adam update of a parameter buffer,
 * in place (the update itself: shaders/lib/optimizerUpdate.wgsl). Two pipelines, because the measured one's
 * workgroup reduction slows every dispatch on a CPU-emulated GPU even when skipped: the plain one serves every update
 * no evaluation measures.
 */

import source from '../../shaders/optimizer.wgsl?raw';
import measuredSource from '../../shaders/optimizerMeasured.wgsl?raw';
import type { OptimizerSpec } from '../lab/trainConfig';
import { FRAGMENTS } from './fragments';
import { type BindingBuffers, defineKernel, grid, Kernel, type KernelOf } from './kernel';

const WORKGROUP = 256;

/** What optimizerUpdate.wgsl reads: both kernels declare these. */
const uniforms = {
  count: 'u32',
  gridWidth: 'u32',
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
  step: 'u32',
} as const;
const bindings = {
  values: { type: 'array<f32>', access: 'read_write' },
  grads: { type: 'array<f32>', access: 'read' },
  first: { type: 'array<f32>', access: 'read_write' },
  second: { type: 'array<f32>', access: 'read_write' },
  diverged: { type: 'array<atomic<u32>>', access: 'read_write' },
} as const;

const plainSpec = defineKernel({
  label: 'optimizer',
  source,
  fragments: [FRAGMENTS.optimizerUpdate],
  uniforms,
  bindings,
});

const measuredSpec = defineKernel({
  label: 'optimizerMeasured',
  source: measuredSource,
  fragments: [FRAGMENTS.moments, FRAGMENTS.optimizerUpdate],
  // Workgroups along x: the stride of the partials.
  uniforms: { ...uniforms, groupsX: 'u32' },
  bindings: { ...bindings, partials: { type: 'array<MomentPair>', access: 'read_write' } },
});

/** Partials one update of `count` values writes when measured. */
export const optimizerPartials = (count: number) => {
  const { groups } = grid(count, WORKGROUP);
  return groups[0] * groups[1];
};

export class OptimizerKernel {
  private constructor(
    private readonly plain: KernelOf<typeof plainSpec>,
    private readonly measured: KernelOf<typeof measuredSpec>,
  ) {}

  static async create(device: GPUDevice): Promise<OptimizerKernel> {
    const [plain, measured] = await Promise.all([
      Kernel.compile(device, plainSpec),
      Kernel.compile(device, measuredSpec),
    ]);
    return new OptimizerKernel(plain, measured);
  }

  /** Update `step` (1-based) of `count` values; `measure` writes the partials of Δp and p. */
  update(
    buffers: BindingBuffers<typeof measuredSpec.bindings>,
    optimizer: OptimizerSpec,
    count: number,
    step: number,
    measure: boolean,
  ): void {
    const { groups, gridWidth } = grid(count, WORKGROUP);
    const sgd = optimizer.kind === 'sgd';
    const values = {
      count,
      gridWidth,
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
      step,
    };
    if (measure) this.measured.dispatch({ ...values, groupsX: groups[0] }, buffers, groups);
    else this.plain.dispatch(values, buffers, groups);
  }
}
