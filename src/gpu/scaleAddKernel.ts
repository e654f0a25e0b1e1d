/**
 * Companion of shaders/scaleAdd.wgsl: out = a·x (+ out) over a [rows × width] buffer, with the statistics of out as
 * one partial per 64×64 tile and their range flags.
 */
import source from '../../shaders/scaleAdd.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { tilesAlong } from './geometry';
import { type BindingBuffers, defineKernel, Kernel, type KernelOf } from './kernel';

const spec = defineKernel({
  label: 'scaleAdd',
  source,
  fragments: [FRAGMENTS.tileMoments, FRAGMENTS.range],
  uniforms: {
    rows: 'u32',
    width: 'u32',
    // a.
    factor: 'f32',
    // 1: add to what `output` holds; 0: replace it.
    accumulate: 'u32',
    // The state slot whose slot-A flags the values written set.
    slot: 'u32',
    // Workgroups along the width: the stride of the partials.
    tilesX: 'u32',
  },
  bindings: {
    values: { type: 'array<f32>', access: 'read' },
    output: { type: 'array<f32>', access: 'read_write' },
    partials: { type: 'array<Moments>', access: 'read_write' },
    layerState: { type: 'array<atomic<u32>>', access: 'read_write' },
  },
});

export type ScaleAddBuffers = BindingBuffers<typeof spec.bindings>;

export interface ScaleAddStep {
  rows: number;
  width: number;
  factor: number;
  accumulate: boolean;
  slot: number;
}

export class ScaleAddKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<ScaleAddKernel> {
    return new ScaleAddKernel(await Kernel.compile(device, spec));
  }

  /** out = a·x (+ out); returns the partials written, one Moments per tile. */
  run(buffers: ScaleAddBuffers, step: ScaleAddStep): number {
    const { rows, width, factor, slot } = step;
    const tilesX = tilesAlong(width);
    const values = { rows, width, factor, accumulate: step.accumulate ? 1 : 0, slot, tilesX };
    this.kernel.dispatch(values, buffers, [tilesX, tilesAlong(rows)]);
    return tilesX * tilesAlong(rows);
  }
}
