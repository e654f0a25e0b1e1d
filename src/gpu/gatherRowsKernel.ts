/** Companion of shaders/gatherRows.wgsl: chosen rows of a dataset (its x, or its labels or targets) into a dense buffer. */
import source from '../../shaders/gatherRows.wgsl?raw';
import { defineKernel, grid, Kernel, type KernelOf } from './kernel';

const WORKGROUP = 256;

const spec = defineKernel({
  label: 'gatherRows',
  source,
  fragments: [],
  uniforms: { rows: 'u32', width: 'u32', first: 'u32', gridWidth: 'u32' },
  bindings: {
    indices: { type: 'array<u32>', access: 'read' },
    source: { type: 'array<u32>', access: 'read' },
    gathered: { type: 'array<u32>', access: 'read_write' },
  },
});

export class GatherRowsKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<GatherRowsKernel> {
    return new GatherRowsKernel(await Kernel.compile(device, spec));
  }

  /** Rows indices[first … first + rows) of `source` ([· × width]) into `gathered` ([rows × width]). */
  gather(
    buffers: { indices: GPUBuffer; source: GPUBuffer; gathered: GPUBuffer },
    first: number,
    rows: number,
    width: number,
  ): void {
    const { groups, gridWidth } = grid(rows * width, WORKGROUP);
    this.kernel.dispatch({ rows, width, first, gridWidth }, buffers, groups);
  }
}
