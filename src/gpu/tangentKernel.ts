/**
 * Companion of shaders/tangent.wgsl: one layer of the Jacobian's tangent rows, (T ⊙ φ′)·W with renormalisation and one
 * Moments partial per 64×64 tile. Dispatched in slabs of rows and blocks of columns, as the forward step.
 */
import source from '../../shaders/tangent.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { tilesAlong } from './geometry';
import { type BindingBuffers, defineKernel, Kernel, type KernelOf } from './kernel';

const spec = defineKernel({
  label: 'tangent',
  source,
  fragments: [FRAGMENTS.tileMoments, FRAGMENTS.activation, FRAGMENTS.productTile],
  uniforms: {
    // Tangent rows: the input width n_0.
    rows: 'u32',
    fanIn: 'u32',
    fanOut: 'u32',
    // First row of this slab: a multiple of TILE.
    rowOffset: 'u32',
    // The block of columns of W the weights buffer holds: colOffset a multiple of TILE.
    colOffset: 'u32',
    blockCols: 'u32',
    activation: 'u32',
    // 0-based layer index: the previous layer's exponent is read from the tangent state; 0 reads the identity.
    layer: 'u32',
    // The input row's position in the layer's input buffer.
    referenceRow: 'u32',
    // Workgroups along fanOut: the stride of the partials.
    tilesX: 'u32',
    slope: 'f32',
  },
  bindings: {
    tangentIn: { type: 'array<f32>', access: 'read' },
    // The layer's input buffer: the chunk's Z_{l−1}, of which the input row's is read.
    reference: { type: 'array<f32>', access: 'read' },
    weights: { type: 'array<f32>', access: 'read' },
    tangentOut: { type: 'array<f32>', access: 'read_write' },
    partials: { type: 'array<Moments>', access: 'read_write' },
    tangentState: { type: 'array<u32>', access: 'read' },
  },
});

export type TangentBuffers = BindingBuffers<typeof spec.bindings>;

export interface TangentStep {
  rows: number;
  fanIn: number;
  fanOut: number;
  activationId: number;
  /** 0-based layer index. */
  layer: number;
  referenceRow: number;
  slope: number;
}

export class TangentKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<TangentKernel> {
    return new TangentKernel(await Kernel.compile(device, spec));
  }

  /** Rows [rowOffset, rowOffset + slabRows) and columns [colOffset, colOffset + blockCols), offsets multiples of TILE. */
  slab(
    buffers: TangentBuffers,
    step: TangentStep,
    rowOffset: number,
    slabRows: number,
    colOffset: number,
    blockCols: number,
  ): void {
    const { rows, fanIn, fanOut, layer, referenceRow, slope } = step;
    this.kernel.dispatch(
      {
        rows,
        fanIn,
        fanOut,
        rowOffset,
        colOffset,
        blockCols,
        activation: step.activationId,
        layer,
        referenceRow,
        tilesX: tilesAlong(fanOut),
        slope,
      },
      buffers,
      [tilesAlong(blockCols), tilesAlong(slabRows)],
    );
  }
}
