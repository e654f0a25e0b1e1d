/** Companion of shaders/weights.wgsl: fills a block of a [fanIn × fanOut] weight matrix from the Philox stream. */
import source from '../../shaders/weights.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { defineKernel, grid, Kernel, type KernelOf } from './kernel';
import { type ElementShape, SHAPE_IDS } from './shapes';

const WORKGROUP = 256;

const spec = defineKernel({
  label: 'weights',
  source,
  fragments: [FRAGMENTS.philox],
  uniforms: {
    seed: 'u32',
    series: 'u32',
    trial: 'u32',
    layer: 'u32',
    fanOut: 'u32',
    rowOffset: 'u32',
    colOffset: 'u32',
    blockCols: 'u32',
    count: 'u32',
    shape: 'u32',
    // The f32 multiplier of the unit draw: the initializer's scale, or its mantissa when the engine carries the exponent.
    scale: 'f32',
    // Threads per row of the 2-D dispatch grid, so blocks above 65535 workgroups fit.
    gridWidth: 'u32',
  },
  bindings: { weights: { type: 'array<f32>', access: 'read_write' } },
});

/** Rows [rowOffset, rowOffset + rows) and columns [colOffset, colOffset + cols) of a [fanIn × fanOut] matrix. */
export interface WeightBlock {
  rowOffset: number;
  rows: number;
  colOffset: number;
  cols: number;
}

export interface WeightDraw {
  seed: number;
  series: number;
  trial: number;
  layer: number;
  fanOut: number;
  block: WeightBlock;
  shape: ElementShape;
  /** The f32 multiplier of each unit draw. */
  scale: number;
}

export class WeightsKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<WeightsKernel> {
    return new WeightsKernel(await Kernel.compile(device, spec));
  }

  draw(target: GPUBuffer, w: WeightDraw): void {
    const count = w.block.rows * w.block.cols;
    const { groups, gridWidth } = grid(count, WORKGROUP);
    const { seed, series, trial, layer, fanOut, scale } = w;
    const { rowOffset, colOffset, cols: blockCols } = w.block;
    this.kernel.dispatch(
      {
        seed,
        series,
        trial,
        layer,
        fanOut,
        rowOffset,
        colOffset,
        blockCols,
        count,
        shape: SHAPE_IDS[w.shape],
        scale,
        gridWidth,
      },
      { weights: target },
      groups,
    );
  }

  /** Matrix-level shapes (orthogonal) are computed on the CPU; the GPU only receives them. */
  upload(target: GPUBuffer, weights: Float32Array<ArrayBuffer>): void {
    this.kernel.device.queue.writeBuffer(target, 0, weights);
  }
}
