/** Companion of shaders/lossGradient.wgsl: the readout's loss and accuracy on some rows, and the loss's gradient. */
import source from '../../shaders/lossGradient.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { type BindingBuffers, defineKernel, Kernel, type KernelOf } from './kernel';

/** Rows per workgroup, and per partial. */
export const LOSS_ROWS_PER_PARTIAL = 64;

const spec = defineKernel({
  label: 'lossGradient',
  source,
  fragments: [FRAGMENTS.moments],
  uniforms: {
    rows: 'u32',
    outputs: 'u32',
    // The first of these rows in the label or target arrays.
    first: 'u32',
    classification: 'u32',
    gradient: 'u32',
    scale: 'f32',
    // The update this loss belongs to, recorded in `diverged` when the loss is not finite.
    step: 'u32',
  },
  bindings: {
    logits: { type: 'array<f32>', access: 'read' },
    labels: { type: 'array<u32>', access: 'read' },
    targets: { type: 'array<f32>', access: 'read' },
    delta: { type: 'array<f32>', access: 'read_write' },
    partials: { type: 'array<MomentPair>', access: 'read_write' },
    diverged: { type: 'array<atomic<u32>>', access: 'read_write' },
  },
});

export interface LossStep {
  rows: number;
  outputs: number;
  first: number;
  classification: boolean;
  /** Write ∂loss/∂z times this: 1/B for the mean cross-entropy, 1/(B·k) for the mean squared error; null: the loss alone. */
  scale: number | null;
  step: number;
}

export class LossGradientKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<LossGradientKernel> {
    return new LossGradientKernel(await Kernel.compile(device, spec));
  }

  run(buffers: BindingBuffers<typeof spec.bindings>, s: LossStep): void {
    this.kernel.dispatch(
      {
        rows: s.rows,
        outputs: s.outputs,
        first: s.first,
        classification: s.classification ? 1 : 0,
        gradient: s.scale === null ? 0 : 1,
        scale: s.scale ?? 0,
        step: s.step,
      },
      buffers,
      [Math.ceil(s.rows / LOSS_ROWS_PER_PARTIAL), 1],
    );
  }
}
