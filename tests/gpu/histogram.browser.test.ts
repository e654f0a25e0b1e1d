import { afterAll, describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { acquireDevice } from '../../src/gpu/device';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { HistogramCountKernel } from '../../src/gpu/histogramCountKernel';
import { HistogramRangeKernel } from '../../src/gpu/histogramRangeKernel';
import { HistogramSet } from '../../src/gpu/histogramSet';
import { autoHistogram, binRule, type Histogram, histogram } from '../../src/lab/histogram';
import type { LayerHistograms, RunResult } from '../../src/lab/results';
import { config } from './agreement';

const gpu = await acquireDevice();
const kernels = {
  histogramRange: await HistogramRangeKernel.create(gpu.device),
  histogramCount: await HistogramCountKernel.create(gpu.device),
};
const engine = await GpuEngine.create();
afterAll(() => {
  gpu.device.destroy();
  engine.dispose();
});

const BINS = 24;
const total = (h: Histogram) => h.counts.reduce((s, c) => s + c, 0) + h.below + h.above + h.nan;

/**
 * The GPU computes a bin index in float32, the CPU rule in float64 (src/lab/histogram.ts says so): a value within
 * float32 rounding of an interior edge may land one bin over. Such values are counted here, and each may move one count.
 */
function edgeValues(values: ArrayLike<number>, h: Histogram): number {
  const rule = binRule(h.lo, h.hi, h.counts.length);
  let near = 0;
  for (let i = 0; i < values.length; i++) {
    const position = (values[i] - h.lo) * rule.scale;
    if (Number.isFinite(position) && Math.abs(position - Math.round(position)) < 1e-5 * h.counts.length) near++;
  }
  return near;
}

const moved = (a: Histogram, b: Histogram) => a.counts.reduce((s, c, k) => s + Math.abs(c - b.counts[k]), 0) / 2;

/** Counts `values` on the GPU (range, then counts) as one histogram, and reads it back. */
async function countOnGpu(values: Float32Array<ArrayBuffer>, bins: number): Promise<Histogram> {
  const { device } = gpu;
  const buffer = device.createBuffer({
    size: Math.max(16, values.byteLength),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(buffer, 0, values);
  const set = new HistogramSet(device, kernels, 1, bins);
  set.reset();
  set.measure('both', 0, 'pre', { values: buffer, count: values.length, applyPhi: false, activationId: 0, slope: 0 });
  const [layer] = await set.read((work) => work, [{ pre: 0, post: 0, weights: 0, grad: 0, weightGrad: 0 }], false);
  set.destroy();
  buffer.destroy();
  return layer.pre;
}

describe('GPU histograms follow src/lab/histogram.ts', () => {
  // 600 bins exceed a workgroup's copy of the slot (512 words), so the kernel counts straight into the global one.
  it.each([BINS, 600])(
    'with %i bins, counts equal the CPU histogram of the same float32 values over the same range, NaN and ±∞ included',
    async (bins) => {
      const values = new Float32Array(9000);
      for (let i = 0; i < values.length; i++) values[i] = (Math.sin(i * 12.9898) * 43758.5453) % 7;
      values.set([NaN, Infinity, -Infinity, Infinity, 0, -0], 100);
      const gpuHistogram = await countOnGpu(values, bins);
      const cpuHistogram = autoHistogram(values, bins);
      expect(total(gpuHistogram)).toBe(values.length);
      expect([gpuHistogram.lo, gpuHistogram.hi]).toEqual([cpuHistogram.lo, cpuHistogram.hi]);
      expect([gpuHistogram.below, gpuHistogram.above, gpuHistogram.nan]).toEqual([1, 2, 1]);
      expect(moved(gpuHistogram, cpuHistogram)).toBeLessThanOrEqual(edgeValues(values, cpuHistogram));
    },
  );

  it("a single repeated value and no finite value at all get the CPU rule's widened ranges", async () => {
    for (const values of [new Float32Array(300).fill(2.5), new Float32Array([NaN, Infinity, NaN])]) {
      expect(await countOnGpu(values, 7)).toEqual(autoHistogram(values, 7));
    }
  });
});

/** Elements behind each histogram of one layer. */
function elementCounts(
  result: RunResult,
  rows: number,
  l: number,
): Record<keyof Omit<LayerHistograms, 'layer'>, number> {
  const c = result.config;
  // A residual block's W_{l,1} reads the stream: fan-in the width from block 1 on.
  const first = l === 0 && c.architecture.kind === 'plain';
  const fanIn = first ? ('values' in c.input ? c.input.values.length : c.input.width) : c.width;
  return {
    pre: rows * c.width,
    post: rows * c.width,
    grad: rows * c.width,
    weights: fanIn * c.width,
    weightGrad: fanIn * c.width,
  };
}

/** Moved counts allowed between the engines: values whose f32 and f64 computations sit on two sides of an edge (rare: ~1e-6 per value and edge). */
const ENGINE_EDGE_MOVES = 2;
/** The engines' ranges are extremes of values that agree within 1e-4 (tests/gpu/agreement.ts). */
const RANGE_AGREEMENT = 1e-4;

describe('GPU engine histograms', () => {
  it.each([
    ['the seed experiment (exact scaling far below float32)', {}, {}],
    [
      'a random tanh batch with bias, forced into chunks',
      {
        activation: 'tanh',
        bias: 0.1,
        width: 20,
        depth: 3,
        input: { distribution: 'normal', batch: 150, width: 6 },
        init: { kind: 'xavier-normal' },
      },
      { maxRowsPerChunk: 64 },
    ],
    [
      'a random ReLU batch at σ = 1e-5 (exact scaling), forced into chunks',
      {
        width: 20,
        depth: 6,
        input: { distribution: 'normal', batch: 150, width: 6 },
        sweep: [{ kind: 'normal', sigma: 1e-5 }],
      },
      { maxRowsPerChunk: 64 },
    ],
    [
      'a residual network with LayerNorm, α = 1/√L (the network pass)',
      {
        width: 24,
        depth: 4,
        input: { distribution: 'normal', batch: 40, width: 6 },
        architecture: { kind: 'residual', norm: 'layer', branchScale: '1/sqrt(depth)' },
      },
      {},
    ],
    [
      'a plain tanh network with BatchNorm and bias (the network pass)',
      {
        activation: 'tanh',
        bias: 0.1,
        width: 24,
        depth: 3,
        input: { distribution: 'normal', batch: 40, width: 6 },
        // The seed's small σ would leave each Z within float32 rounding of the bias: ranges of rounding alone.
        init: { kind: 'xavier-normal' },
        architecture: { norm: 'batch' },
      },
      {},
    ],
  ])("on %s: every element counted once, the shape and ranges of the CPU engine's", async (_name, raw, options) => {
    const c = config(raw);
    const runner = await GpuEngine.create(options);
    const [cpuResult, gpuResult] = [
      await new CpuEngine().run(c, { backward: true, histogramBins: BINS }),
      await runner.run(c, { backward: true, histogramBins: BINS }),
    ];
    runner.dispose();
    const rows = 'values' in c.input ? 1 : c.input.batch;
    gpuResult.series.forEach((series, s) => {
      const reference = cpuResult.series[s].histograms!;
      expect(series.histograms!.map((h) => Object.keys(h).sort())).toEqual(reference.map((h) => Object.keys(h).sort()));
      series.histograms!.forEach((layer, l) => {
        const elements = elementCounts(gpuResult, rows, l);
        for (const q of ['pre', 'post', 'weights', 'grad', 'weightGrad'] as const) {
          const [g, r] = [layer[q]!, reference[l][q]!];
          expect(total(g), `series ${s} layer ${l + 1} ${q}`).toBe(elements[q]);
          const span = r.hi - r.lo;
          expect(Math.abs(g.lo - r.lo) / span, `${q} lo`).toBeLessThan(RANGE_AGREEMENT);
          expect(Math.abs(g.hi - r.hi) / span, `${q} hi`).toBeLessThan(RANGE_AGREEMENT);
          expect(moved(g, r), `series ${s} layer ${l + 1} ${q}`).toBeLessThanOrEqual(ENGINE_EDGE_MOVES);
        }
      });
    });
  });

  it("counts Z as histogram.ts counts the captured Z of every row over the GPU's range; without backward, no gradient histograms", async () => {
    const c = config({
      width: 30,
      depth: 3,
      input: { distribution: 'uniform', batch: 90, width: 5 },
      init: { kind: 'he-normal' },
    });
    const all = Array.from({ length: 90 }, (_, i) => i);
    const result = await engine.run(c, { histogramBins: BINS, captureRows: all });
    result.series[0].histograms!.forEach((layer, l) => {
      const values = result.capture!.preActivations[0][l];
      const expected = histogram(values, layer.pre.lo, layer.pre.hi, BINS);
      expect(moved(layer.pre, expected)).toBeLessThanOrEqual(edgeValues(values, expected));
      expect(total(layer.pre)).toBe(values.length);
    });
    expect(result.series[0].histograms![0].grad).toBeUndefined();
  });
});
