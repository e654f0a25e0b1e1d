/**
 * Companion of shaders/layer.wgsl, the fused layer step: matmul with φ on load, renormalisation, bias, activation,
 * and the statistics of Z and H as one partial per 64×64 output tile. Dispatched in slabs of rows.
 */
import source from '../../shaders/layer.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { tilesAlong } from './geometry';
import { type BindingBuffers, defineKernel, Kernel, type KernelOf } from './kernel';

const spec = defineKernel({
  label: 'layer',
  source,
  fragments: [FRAGMENTS.moments, FRAGMENTS.activation, FRAGMENTS.range, FRAGMENTS.productTile],
  uniforms: {
    rows: 'u32',
    fanIn: 'u32',
    fanOut: 'u32',
    // First row of this slab within the chunk: a multiple of TILE.
    rowOffset: 'u32',
    // The block of columns of W the weights buffer holds: colOffset a multiple of TILE.
    colOffset: 'u32',
    blockCols: 'u32',
    activation: 'u32',
    // 1 when the input holds the previous layer's Z; 0 when it holds the input X.
    activateInput: 'u32',
    // 0-based layer index: the slot in layerState.
    layer: 'u32',
    // Workgroups along fanOut: the stride of the partials.
    tilesX: 'u32',
    slope: 'f32',
  },
  bindings: {
    input: { type: 'array<f32>', access: 'read' },
    weights: { type: 'array<f32>', access: 'read' },
    // One bias per unit of the layer (fanOut of them).
    biases: { type: 'array<f32>', access: 'read' },
    output: { type: 'array<f32>', access: 'read_write' },
    partials: { type: 'array<MomentPair>', access: 'read_write' },
    layerState: { type: 'array<atomic<u32>>', access: 'read_write' },
  },
});

export interface LayerStep {
  rows: number;
  fanIn: number;
  fanOut: number;
  activationId: number;
  /** false for layer 1, whose input is X rather than the previous Z. */
  activateInput: boolean;
  /** 0-based layer index into the layer state. */
  layer: number;
  slope: number;
}

export type LayerBuffers = BindingBuffers<typeof spec.bindings>;

export class LayerKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<LayerKernel> {
    return new LayerKernel(await Kernel.compile(device, spec));
  }

  /** The layer's biases, one per unit, into `target` before its slabs: the queue orders it after earlier layers. */
  writeBiases(target: GPUBuffer, biases: Float32Array<ArrayBuffer>): void {
    this.kernel.device.queue.writeBuffer(target, 0, biases);
  }

  /**
   * Rows [rowOffset, rowOffset + slabRows) and columns [colOffset, colOffset + blockCols) of the step, the weights
   * buffer holding those columns of W; both offsets are multiples of TILE.
   */
  slab(
    buffers: LayerBuffers,
    step: LayerStep,
    rowOffset: number,
    slabRows: number,
    colOffset: number,
    blockCols: number,
  ): void {
    const { rows, fanIn, fanOut, layer, slope } = step;
    this.kernel.dispatch(
      {
        rows,
        fanIn,
        fanOut,
        rowOffset,
        colOffset,
        blockCols,
        activation: step.activationId,
        activateInput: step.activateInput ? 1 : 0,
        layer,
        tilesX: tilesAlong(fanOut),
        slope,
      },
      buffers,
      [tilesAlong(blockCols), tilesAlong(slabRows)],
    );
  }
}
