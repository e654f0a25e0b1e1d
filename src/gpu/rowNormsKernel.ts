/** Companion of shaders/rowNorms.wgsl: each row's squared length of a weight matrix, one thread per row. */
import source from '../../shaders/rowNorms.wgsl?raw';
import { defineKernel, Kernel, type KernelOf } from './kernel';

const THREADS = 64;

const spec = defineKernel({
  label: 'rowNorms',
  source,
  fragments: [],
  uniforms: { rows: 'u32', cols: 'u32' },
  bindings: {
    weights: { type: 'array<f32>', access: 'read' },
    norms: { type: 'array<f32>', access: 'read_write' },
  },
});

export class RowNormsKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<RowNormsKernel> {
    return new RowNormsKernel(await Kernel.compile(device, spec));
  }

  measure(weights: GPUBuffer, norms: GPUBuffer, rows: number, cols: number): void {
    this.kernel.dispatch({ rows, cols }, { weights, norms }, [Math.ceil(rows / THREADS), 1]);
  }
}
