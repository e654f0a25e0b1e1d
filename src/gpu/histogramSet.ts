/**
 * The histograms of one series' trial 0 on the GPU: per layer and quantity a range slot (min/max keys) and a count
 * slot, filled by the range and count kernels and read back once. A batch in one chunk finds each range and counts
 * against it at once; a batch in several chunks needs every chunk's range first, so the engine runs the trial twice
 * (phase 'range', then 'count'). ∂L/∂W is complete only after the last chunk, which finds its range and counts it.
 */
import { binIndex, binRule, dataRange, type Histogram, histogram } from '../lab/histogram';
import { BACKWARD_QUANTITIES, FORWARD_QUANTITIES, type LayerHistograms } from '../lab/results';
import type { HistogramCountKernel } from './histogramCountKernel';
import type { HistogramRangeKernel, HistogramSource } from './histogramRangeKernel';
import { ldexp } from './scale';

export const HISTOGRAM_QUANTITIES = [...FORWARD_QUANTITIES, 'weights', ...BACKWARD_QUANTITIES] as const;
export type HistogramQuantity = (typeof HISTOGRAM_QUANTITIES)[number];
export type HistogramPhase = 'range' | 'count' | 'both';
/** Per quantity, the power of two between the GPU's values and the true ones (see scale.ts). */
export type HistogramScales = Record<HistogramQuantity, number>;

export interface HistogramKernels {
  histogramRange: HistogramRangeKernel;
  histogramCount: HistogramCountKernel;
}

const F32 = 4;
const { STORAGE, COPY_SRC, COPY_DST, MAP_READ } = GPUBufferUsage;

/** An f32 from the order-preserving key of shaders/histogramValue.wgsl. */
export function fromOrderedKey(key: number): number {
  const bits = key & 0x80000000 ? key & 0x7fffffff : ~key >>> 0;
  return new Float32Array(new Uint32Array([bits]).buffer)[0];
}

/**
 * One histogram from its slot: counts = [B bins, below, above, NaN], range = [min key, max key] of the GPU's values,
 * which are 2^exponent times smaller than the true ones. The range is widened as src/lab/histogram.ts's dataRange
 * does; when every finite value is the same, the kernel counted them in bin 0 and they move to the f64 rule's bin.
 */
export function decodeHistogram(
  counts: ArrayLike<number>,
  minKey: number,
  maxKey: number,
  bins: number,
  exponent: number,
): Histogram {
  const empty = minKey > maxKey;
  const lowest = empty ? NaN : ldexp(fromOrderedKey(minKey), exponent);
  const highest = empty ? NaN : ldexp(fromOrderedKey(maxKey), exponent);
  const { lo, hi } = dataRange(empty ? [] : [lowest, highest]);
  const result = histogram([], lo, hi, bins);
  result.counts = Array.from({ length: bins }, (_, k) => counts[k]);
  result.below = counts[bins];
  result.above = counts[bins + 1];
  result.nan = counts[bins + 2];
  if (!empty && lowest === highest) {
    const finite = result.counts[0];
    result.counts[0] = 0;
    result.counts[binIndex(binRule(lo, hi, bins), lowest)] += finite;
  }
  return result;
}

export class HistogramSet {
  private readonly ranges: GPUBuffer;
  private readonly counts: GPUBuffer;
  private readonly rangesReadback: GPUBuffer;
  private readonly countsReadback: GPUBuffer;
  private readonly slots: number;

  constructor(
    private readonly device: GPUDevice,
    private readonly kernels: HistogramKernels,
    private readonly depth: number,
    readonly bins: number,
  ) {
    this.slots = depth * HISTOGRAM_QUANTITIES.length;
    const make = (label: string, size: number, usage: number) => device.createBuffer({ label, size, usage });
    this.ranges = make('histogram ranges', this.slots * 2 * F32, STORAGE | COPY_SRC | COPY_DST);
    this.counts = make('histogram counts', this.slots * (bins + 3) * F32, STORAGE | COPY_SRC | COPY_DST);
    this.rangesReadback = make('histogram ranges readback', this.slots * 2 * F32, MAP_READ | COPY_DST);
    this.countsReadback = make('histogram counts readback', this.slots * (bins + 3) * F32, MAP_READ | COPY_DST);
  }

  /** Empty ranges (min key above max key) and zero counts, before a series' trial 0. */
  reset(): void {
    const ranges = new Uint32Array(this.slots * 2);
    for (let s = 0; s < this.slots; s++) ranges[2 * s] = 0xffffffff;
    this.device.queue.writeBuffer(this.ranges, 0, ranges);
    this.device.queue.writeBuffer(this.counts, 0, new Uint32Array(this.slots * (this.bins + 3)));
  }

  /** Queues the phase's kernels for one quantity of layer `layer` (0-based). */
  measure(
    phase: HistogramPhase,
    layer: number,
    quantity: HistogramQuantity,
    source: Omit<HistogramSource, 'slot'>,
  ): void {
    const s = { ...source, slot: layer * HISTOGRAM_QUANTITIES.length + HISTOGRAM_QUANTITIES.indexOf(quantity) };
    if (s.count === 0) return;
    if (phase !== 'count') this.kernels.histogramRange.run(this.ranges, s);
    if (phase !== 'range') this.kernels.histogramCount.run(this.ranges, this.counts, this.bins, s);
  }

  /** Reads back the ranges and counts; `scales` per layer give the true scale, `backward` whether gradients were counted. */
  async read(
    settle: <T>(work: Promise<T>) => Promise<T>,
    scales: HistogramScales[],
    backward: boolean,
  ): Promise<LayerHistograms[]> {
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(this.ranges, 0, this.rangesReadback, 0, this.rangesReadback.size);
    encoder.copyBufferToBuffer(this.counts, 0, this.countsReadback, 0, this.countsReadback.size);
    this.device.queue.submit([encoder.finish()]);
    await settle(
      Promise.all([this.rangesReadback.mapAsync(GPUMapMode.READ), this.countsReadback.mapAsync(GPUMapMode.READ)]),
    );
    const ranges = new Uint32Array(this.rangesReadback.getMappedRange().slice(0));
    const counts = new Uint32Array(this.countsReadback.getMappedRange().slice(0));
    this.rangesReadback.unmap();
    this.countsReadback.unmap();
    const width = this.bins + 3;
    const one = (layer: number, q: HistogramQuantity) => {
      const slot = layer * HISTOGRAM_QUANTITIES.length + HISTOGRAM_QUANTITIES.indexOf(q);
      return decodeHistogram(
        counts.subarray(slot * width, (slot + 1) * width),
        ranges[2 * slot],
        ranges[2 * slot + 1],
        this.bins,
        scales[layer][q],
      );
    };
    return Array.from({ length: this.depth }, (_, l) => ({
      layer: l + 1,
      pre: one(l, 'pre'),
      post: one(l, 'post'),
      weights: one(l, 'weights'),
      ...(backward ? { grad: one(l, 'grad'), weightGrad: one(l, 'weightGrad') } : {}),
    }));
  }

  destroy(): void {
    for (const b of [this.ranges, this.counts, this.rangesReadback, this.countsReadback]) b.destroy();
  }
}
