/**
 * Companion of shaders/phaseLayer.wgsl: one layer of every network of a phase diagram, each row scaled by its network's
 * σ_w/√n_in and biased by its σ_b times the shared unit biases. Dispatched in slabs of rows, as the layer step.
 */
import source from '../../shaders/phaseLayer.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { tilesAlong } from './geometry';
import { type BindingBuffers, defineKernel, Kernel, type KernelOf } from './kernel';

const spec = defineKernel({
  label: 'phaseLayer',
  source,
  fragments: [FRAGMENTS.activation, FRAGMENTS.productTile],
  uniforms: {
    rows: 'u32',
    fanIn: 'u32',
    fanOut: 'u32',
    // First row of this slab: a multiple of TILE.
    rowOffset: 'u32',
    rowsPerNetwork: 'u32',
    // 1 at layer 1, whose input is the shared X of rowsPerNetwork rows.
    sharedInput: 'u32',
    activation: 'u32',
    inverseSqrtFanIn: 'f32',
    slope: 'f32',
  },
  bindings: {
    input: { type: 'array<f32>', access: 'read' },
    weights: { type: 'array<f32>', access: 'read' },
    biases: { type: 'array<f32>', access: 'read' },
    // Per network (σ_w, σ_b).
    networks: { type: 'array<vec2f>', access: 'read' },
    output: { type: 'array<f32>', access: 'read_write' },
  },
});

export type PhaseLayerBuffers = BindingBuffers<typeof spec.bindings>;

export interface PhaseLayerStep {
  rows: number;
  fanIn: number;
  fanOut: number;
  rowsPerNetwork: number;
  sharedInput: boolean;
  activationId: number;
  slope: number;
}

export class PhaseLayerKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<PhaseLayerKernel> {
    return new PhaseLayerKernel(await Kernel.compile(device, spec));
  }

  /** Rows [rowOffset, rowOffset + slabRows) of the step; rowOffset a multiple of TILE. */
  slab(buffers: PhaseLayerBuffers, step: PhaseLayerStep, rowOffset: number, slabRows: number): void {
    const { rows, fanIn, fanOut, rowsPerNetwork, slope } = step;
    this.kernel.dispatch(
      {
        rows,
        fanIn,
        fanOut,
        rowOffset,
        rowsPerNetwork,
        sharedInput: step.sharedInput ? 1 : 0,
        activation: step.activationId,
        inverseSqrtFanIn: 1 / Math.sqrt(fanIn),
        slope,
      },
      buffers,
      [tilesAlong(fanOut), tilesAlong(slabRows)],
    );
  }
}
