/** Companion of bench/shaders/naiveLayer.wgsl: the one-thread-per-output baseline the benchmark measures the fused step against. */
import { FRAGMENTS } from '../src/gpu/fragments';
import { defineKernel, Kernel, type KernelOf } from '../src/gpu/kernel';
import source from './shaders/naiveLayer.wgsl?raw';

const WORKGROUP_SIDE = 16;

const spec = defineKernel({
  label: 'naiveLayer',
  source,
  fragments: [FRAGMENTS.activation],
  uniforms: { rows: 'u32', fanIn: 'u32', fanOut: 'u32', activation: 'u32', bias: 'f32', slope: 'f32' },
  bindings: {
    input: { type: 'array<f32>', access: 'read' },
    weights: { type: 'array<f32>', access: 'read' },
    output: { type: 'array<f32>', access: 'read_write' },
  },
});

export class NaiveLayerKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<NaiveLayerKernel> {
    return new NaiveLayerKernel(await Kernel.compile(device, spec));
  }

  step(
    input: GPUBuffer,
    weights: GPUBuffer,
    output: GPUBuffer,
    s: { rows: number; fanIn: number; fanOut: number; activationId: number; bias: number; slope: number },
  ): void {
    const { rows, fanIn, fanOut, bias, slope } = s;
    this.kernel.dispatch({ rows, fanIn, fanOut, activation: s.activationId, bias, slope }, { input, weights, output }, [
      Math.ceil(fanOut / WORKGROUP_SIDE),
      Math.ceil(rows / WORKGROUP_SIDE),
    ]);
  }
}
