/** Companion of shaders/weights.wgsl: fills a [fanIn × fanOut] weight buffer from the Philox stream. */
import philox from '../../shaders/philox.wgsl?raw';
import source from '../../shaders/weights.wgsl?raw';
import { ComputeKernel, grid, packUniforms } from './kernel';
import { type ElementShape, SAMPLING_CONSTANTS, SHAPE_IDS } from './shapes';

const WORKGROUP = 256;

export interface WeightDraw {
  seed: number;
  series: number;
  trial: number;
  layer: number;
  fanIn: number;
  fanOut: number;
  shape: ElementShape;
  /** The f32 multiplier of each unit draw. */
  scale: number;
}

export class WeightsKernel {
  private constructor(private readonly kernel: ComputeKernel) {}

  static async create(device: GPUDevice): Promise<WeightsKernel> {
    return new WeightsKernel(await ComputeKernel.compile(device, 'weights', SAMPLING_CONSTANTS + philox + source, 32));
  }

  draw(target: GPUBuffer, w: WeightDraw): void {
    const count = w.fanIn * w.fanOut;
    const { groups, gridWidth } = grid(count, WORKGROUP);
    const data = packUniforms([
      { u32: w.seed },
      { u32: w.series },
      { u32: w.trial },
      { u32: w.layer },
      { u32: count },
      { u32: SHAPE_IDS[w.shape] },
      { f32: w.scale },
      { u32: gridWidth },
    ]);
    this.kernel.dispatch(data, [target], groups);
  }

  /** Matrix-level shapes (orthogonal) are computed on the CPU; the GPU only receives them. */
  upload(target: GPUBuffer, weights: Float32Array<ArrayBuffer>): void {
    this.kernel.device.queue.writeBuffer(target, 0, weights);
  }
}
