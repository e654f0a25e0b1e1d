/** Companion of shaders/merge.wgsl: workgroup partials merged into a layer's state (layerState.ts) or a block state. */
import source from '../../shaders/merge.wgsl?raw';
import { FRAGMENTS } from './fragments';
import { defineKernel, Kernel, type KernelOf } from './kernel';
import { EXPONENT_RULES, type ExponentRule, STATE } from './layerState';

const spec = defineKernel({
  label: 'merge',
  source,
  fragments: [FRAGMENTS.moments],
  uniforms: {
    partialOffset: 'u32',
    partialCount: 'u32',
    momentsPerPartial: 'u32',
    // Moments each partial holds, and the first of them merged: a pair's second alone is stride 2, first 1.
    partialStride: 'u32',
    firstMoment: 'u32',
    slotWord: 'u32',
    secondWord: 'u32',
    exponentWord: 'u32',
    exponentRule: 'u32',
    accumulate: 'u32',
  },
  bindings: {
    partials: { type: 'array<Moments>', access: 'read' },
    state: { type: 'array<u32>', access: 'read_write' },
  },
});

/** Where a merge goes: both slots of a layer (a forward partial of Z and H), slot A or B alone, or a block state. */
export type MergeTarget = { layer: number; slots: 'both' | 'a' | 'b' } | { blockWord: number };

export interface Merge {
  /** The first partial to merge (partials are indexed by tile) and how many. */
  partialOffset?: number;
  partialCount: number;
  target: MergeTarget;
  /** The exponent rule of slot A; other targets keep the exponent as it is. */
  exponent: ExponentRule;
  /** Add to the Moments already there (Chan's merge) instead of replacing them. */
  accumulate?: boolean;
  /** Partials of MomentPairs of which only this one goes to slot A or B (a kernel whose pair's other half belongs
   *  elsewhere: the normalization's φ(N) is a plain layer's post, its N no quantity). */
  pair?: 'pre' | 'post';
}

export class MergeKernel {
  private constructor(private readonly kernel: KernelOf<typeof spec>) {}

  static async create(device: GPUDevice): Promise<MergeKernel> {
    return new MergeKernel(await Kernel.compile(device, spec));
  }

  merge(partials: GPUBuffer, state: GPUBuffer, m: Merge, after?: (encoder: GPUCommandEncoder) => void): void {
    const t = m.target;
    const layerBase = 'layer' in t ? t.layer * STATE.words : 0;
    const slotWord = 'blockWord' in t ? t.blockWord : layerBase + (t.slots === 'b' ? STATE.slotB : STATE.slotA);
    const withExponent = 'layer' in t && t.slots !== 'b';
    const both = 'layer' in t && t.slots === 'both';
    this.kernel.dispatch(
      {
        partialOffset: m.partialOffset ?? 0,
        partialCount: m.partialCount,
        momentsPerPartial: both ? 2 : 1,
        partialStride: both || m.pair ? 2 : 1,
        firstMoment: m.pair === 'post' ? 1 : 0,
        slotWord,
        secondWord: layerBase + STATE.slotB,
        exponentWord: layerBase + STATE.exponent,
        exponentRule: EXPONENT_RULES[withExponent ? m.exponent : 'keep'],
        accumulate: m.accumulate ? 1 : 0,
      },
      { partials, state },
      [1, 1],
      after,
    );
  }
}
