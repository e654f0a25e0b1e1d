/**
 * Companion of shaders/phaseStats.wgsl: the figures of every network of a phase diagram from its last two layers,
 * one workgroup per network, geometry.ts's FIGURES_PER_NETWORK floats each (phaseRun.ts reads them).
 */
import source from '../../shaders/phaseStats.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { defineKernel, Kernel, type KernelOf } from './kernel';

const spec = defineKernel({
  label: 'phaseStats',
  source,
  fragments: [FRAGMENTS.activation, FRAGMENTS.geometry],
  uniforms: { width: 'u32', rowsPerNetwork: 'u32', activation: 'u32', slope: 'f32' },
  bindings: {
    last: { type: 'array<f32>', access: 'read' },
    previous: { type: 'array<f32>', access: 'read' },
    norms: { type: 'array<f32>', access: 'read' },
    figures: { type: 'array<f32>', access: 'read_write' },
  },
});

export class PhaseStatsKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<PhaseStatsKernel> {
    return new PhaseStatsKernel(await Kernel.compile(device, spec));
  }

  measure(
    buffers: { last: GPUBuffer; previous: GPUBuffer; norms: GPUBuffer; figures: GPUBuffer },
    networks: number,
    d: { width: number; rowsPerNetwork: number; activationId: number; slope: number },
    after?: (encoder: GPUCommandEncoder) => void,
  ): void {
    const { width, rowsPerNetwork, slope } = d;
    this.kernel.dispatch({ width, rowsPerNetwork, activation: d.activationId, slope }, buffers, [networks, 1], after);
  }
}
