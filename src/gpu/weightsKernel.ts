/** Companion of shaders/weights.wgsl: fills a [fanIn × fanOut] weight buffer from the Philox stream. */
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
    count: 'u32',
    shape: 'u32',
    // The f32 multiplier of the unit draw: the initializer's scale, or its mantissa when the engine carries the exponent.
    scale: 'f32',
    // Threads per row of the 2-D dispatch grid, so layers above 65535 workgroups fit.
    gridWidth: 'u32',
  },
  bindings: { weights: { type: 'array<f32>', access: 'read_write' } },
});

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
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<WeightsKernel> {
    return new WeightsKernel(await Kernel.compile(device, spec));
  }

  draw(target: GPUBuffer, w: WeightDraw): void {
    const count = w.fanIn * w.fanOut;
    const { groups, gridWidth } = grid(count, WORKGROUP);
    const { seed, series, trial, layer, scale } = w;
    this.kernel.dispatch(
      { seed, series, trial, layer, count, shape: SHAPE_IDS[w.shape], scale, gridWidth },
      { weights: target },
      groups,
    );
  }

  /** Matrix-level shapes (orthogonal) are computed on the CPU; the GPU only receives them. */
  upload(target: GPUBuffer, weights: Float32Array<ArrayBuffer>): void {
    this.kernel.device.queue.writeBuffer(target, 0, weights);
  }
}
