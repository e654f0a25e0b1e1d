/** Companion of shaders/columnSums.wgsl: the column sums of a buffer, a layer's bias gradient. */
import source from '../../shaders/columnSums.wgsl?raw';
import { defineKernel, Kernel, type KernelOf } from './kernel';

const WORKGROUP = 64;

const spec = defineKernel({
  label: 'columnSums',
  source,
  fragments: [],
  uniforms: { rows: 'u32', cols: 'u32' },
  bindings: {
    values: { type: 'array<f32>', access: 'read' },
    sums: { type: 'array<f32>', access: 'read_write' },
  },
});

export class ColumnSumsKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<ColumnSumsKernel> {
    return new ColumnSumsKernel(await Kernel.compile(device, spec));
  }

  run(values: GPUBuffer, sums: GPUBuffer, rows: number, cols: number): void {
    this.kernel.dispatch({ rows, cols }, { values, sums }, [Math.ceil(cols / WORKGROUP), 1]);
  }
}
