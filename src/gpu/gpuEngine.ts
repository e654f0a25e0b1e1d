/**
 * The WebGPU engine: the same experiment as the CPU reference, from the same Philox stream, in float32 kernels with
 * statistics merged in float64 here. Exact beyond float32's range for homogeneous activations with zero bias
 * (see scale.ts); elsewhere figures float32 cannot hold are flagged, never reported as measurements. With `backward`,
 * gradients take the same route back (backwardPass.ts); with `histogramBins`, trial 0 is counted on the GPU
 * (histogramSet.ts). Results have the CPU engine's shape.
 */
import { bindActivation } from '../lab/activations';
import { type ExperimentConfig, inputWidth } from '../lab/config';
import { initLabel } from '../lab/initializers';
import {
  type Engine,
  type LayerHistograms,
  type LayerStats,
  type RangeFlag,
  type RowCapture,
  type RunOptions,
  type RunResult,
  type SeriesResult,
  selectedRows,
} from '../lab/results';
import { emptyPartial, type Moments, mergeMoments, type Partial, summarizeTrials, toMoments } from '../lab/stats';
import { createBackwardKernels } from './backwardPass';
import {
  type ChunkExponents,
  type ChunkJob,
  type ChunkLayer,
  ChunkRunner,
  type Kernels,
  type Pace,
} from './chunkRunner';
import { acquireDevice, type GpuContext } from './device';
import { HistogramCountKernel } from './histogramCountKernel';
import { HistogramRangeKernel } from './histogramRangeKernel';
import { type HistogramPhase, type HistogramScales, HistogramSet } from './histogramSet';
import { InputsKernel } from './inputsKernel';
import { GPU_ACTIVATIONS, LayerKernel } from './layerKernel';
import { MergeKernel } from './mergeKernel';
import { backwardPlan, chunkRows, chunksOf, INITIAL_MACS_PER_MS, runBytes, SLICE_MS } from './plan';
import { RunBuffers } from './runBuffers';
import { float64Flags } from './scale';
import { WeightsKernel } from './weightsKernel';

export { DeviceLostError, GpuUnavailableError } from './device';

export interface GpuEngineOptions {
  /** Cap on rows per chunk (tests use it to force several chunks); the device's buffer limits cap it anyway. */
  maxRowsPerChunk?: number;
  powerPreference?: GPUPowerPreference;
  /** Target duration of one dispatch (default SLICE_MS); each layer is split into slabs of rows to keep to it. */
  sliceMs?: number;
  /** Cap on the bytes a backward pass keeps (tests use it to force checkpoints); maxBufferSize otherwise (see plan.ts). */
  traceBytes?: number;
}

interface Ready {
  gpu: GpuContext;
  kernels: Kernels;
}

const MEASURED = ['pre', 'post', 'grad', 'weightGrad'] as const;
type Measured = (typeof MEASURED)[number];

/** One layer's records over a series' trials: per quantity, one Moments per trial. */
interface LayerRecord {
  trials: Record<Measured, Moments[]>;
  flags: RangeFlag[];
}

/** One layer of one trial, merged over its chunks in float64; `nonZero` tells a true zero from an underflow. */
type TrialLayer = Record<Measured, { partial: Partial; nonZero: boolean; present: boolean }>;

function emptyTrialLayer(): TrialLayer {
  return Object.fromEntries(
    MEASURED.map((q) => [q, { partial: emptyPartial(), nonZero: false, present: false }]),
  ) as TrialLayer;
}

function addChunkLayer(into: TrialLayer, layer: ChunkLayer): void {
  for (const q of MEASURED) {
    const p = layer[q];
    if (!p) continue;
    into[q] = { partial: mergeMoments(into[q].partial, p), nonZero: into[q].nonZero || isNonZero(p), present: true };
  }
}

function layerStats(r: LayerRecord, i: number): LayerStats {
  const { pre, post, grad, weightGrad } = r.trials;
  return {
    layer: i + 1,
    pre: summarizeTrials(pre),
    post: summarizeTrials(post),
    flags: r.flags,
    ...(grad.length ? { grad: summarizeTrials(grad), weightGrad: summarizeTrials(weightGrad) } : {}),
  };
}

function addFlags(target: RangeFlag[], flags: RangeFlag[]): void {
  for (const f of flags) {
    if (!target.some((t) => t.quantity === f.quantity && t.kind === f.kind && t.precision === f.precision))
      target.push(f);
  }
}

export class GpuEngine implements Engine {
  readonly name = 'gpu' as const;
  private ready: Ready | null = null;
  private readonly pace: Pace;

  private constructor(private readonly options: GpuEngineOptions) {
    this.pace = { macsPerMs: INITIAL_MACS_PER_MS, sliceMs: options.sliceMs ?? SLICE_MS };
  }

  /** Requests the adapter and device and compiles the kernels; throws GpuUnavailableError without WebGPU. */
  static async create(options: GpuEngineOptions = {}): Promise<GpuEngine> {
    const engine = new GpuEngine(options);
    await engine.connect();
    return engine;
  }

  /** Adapter vendor / architecture of the current device. */
  get device(): string {
    return this.ready?.gpu.description ?? 'no device';
  }

  /** The device and kernels, re-created after a loss. */
  private async connect(): Promise<Ready> {
    if (this.ready) return this.ready;
    const gpu = await acquireDevice(this.options.powerPreference);
    const { device } = gpu;
    const [weights, inputs, layer, merge, histogramRange, histogramCount] = await Promise.all([
      WeightsKernel.create(device),
      InputsKernel.create(device),
      LayerKernel.create(device),
      MergeKernel.create(device),
      HistogramRangeKernel.create(device),
      HistogramCountKernel.create(device),
    ]);
    const ready: Ready = {
      gpu,
      kernels: { weights, inputs, layer, merge, histogramRange, histogramCount, backward: null },
    };
    gpu.lost.then(() => {
      if (this.ready === ready) this.ready = null;
    });
    this.ready = ready;
    return ready;
  }

  async run(config: ExperimentConfig, options: RunOptions = {}): Promise<RunResult> {
    const started = performance.now();
    const { gpu, kernels } = await this.connect();
    const activation = bindActivation(config.activation, config);
    if (!GPU_ACTIVATIONS.includes(activation.name))
      throw new RangeError(`the GPU engine has no kernel for activation "${activation.name}"`);
    const exact = activation.homogeneous && config.bias === 0;
    const { rows, captureRows } = selectedRows(config, options);
    const captureIndex = new Map(captureRows.map((row, index) => [row, index]));

    const backward = options.backward === true;
    // Compiling them costs about as much as the forward kernels: only runs that go backward wait for it.
    if (backward) kernels.backward ??= await createBackwardKernels(gpu.device);
    const bins = options.histogramBins;
    if (bins !== undefined && (!Number.isInteger(bins) || bins < 1))
      throw new RangeError(`histogramBins must be a positive integer, got ${bins}`);
    const widest = Math.max(config.width, inputWidth(config));
    const { maxStorageBufferBindingSize, maxBufferSize } = gpu.device.limits;
    const limits = { maxStorageBufferBindingSize, maxBufferSize, maxRowsPerChunk: this.options.maxRowsPerChunk };
    const plan = backward
      ? backwardPlan(rows.length, widest, config.width, config.depth, {
          ...limits,
          traceBytes: this.options.traceBytes,
        })
      : { rows: chunkRows(rows.length, widest, limits), segment: config.depth };
    const chunks = chunksOf(rows, plan.rows);
    const shape = {
      chunkRows: plan.rows,
      inputWidth: inputWidth(config),
      width: config.width,
      depth: config.depth,
      captureCount: captureRows.length,
      backward,
      segment: plan.segment,
      chunks: chunks.length,
      histograms: bins !== undefined,
    };
    const buffers = new RunBuffers(gpu.device, shape);
    const histograms = bins ? new HistogramSet(gpu.device, kernels, config.depth, bins) : null;
    const runner = new ChunkRunner(gpu, kernels, buffers, this.pace);
    const capture: RowCapture | undefined = captureRows.length ? { rows: captureRows, preActivations: [] } : undefined;
    // Histograms of a batch in several chunks take a second pass over trial 0 (see histogramSet.ts).
    const passes = histograms && chunks.length > 1 ? config.trials + 1 : config.trials;
    const steps = config.sweep.length * passes * chunks.length * config.depth * (backward ? 2 : 1);
    let done = 0;

    try {
      const series: SeriesResult[] = [];
      for (let s = 0; s < config.sweep.length; s++) {
        const spec = config.sweep[s];
        const records: LayerRecord[] = Array.from({ length: config.depth }, () => ({
          trials: { pre: [], post: [], grad: [], weightGrad: [] },
          flags: [],
        }));
        const captureInto = capture
          ? Array.from({ length: config.depth }, () => new Float64Array(captureRows.length * config.width))
          : [];
        capture?.preActivations.push(captureInto);
        let seriesHistograms: LayerHistograms[] | undefined;
        for (let trial = 0; trial < config.trials; trial++) {
          const counting = trial === 0 ? histograms : null;
          counting?.reset();
          const phases: (HistogramPhase | null)[] = !counting
            ? [null]
            : chunks.length > 1
              ? ['range', 'count']
              : ['both'];
          // Later chunks, and the counting pass, reuse the first chunk's exponents (see ChunkJob.shared).
          let shared: ChunkExponents | null = null;
          let merged: TrialLayer[] = [];
          let scales: HistogramScales[] = [];
          for (const phase of phases) {
            merged = Array.from({ length: config.depth }, emptyTrialLayer);
            for (const [c, chunkRowsList] of chunks.entries()) {
              const job: ChunkJob = {
                config,
                spec,
                series: s,
                trial,
                activation,
                exact,
                rows: chunkRowsList,
                captureInto,
                capture:
                  trial === 0
                    ? chunkRowsList.flatMap((row, position) =>
                        captureIndex.has(row) ? [{ position, index: captureIndex.get(row)! }] : [],
                      )
                    : [],
                place: { first: c === 0, last: c === chunks.length - 1 },
                backward,
                histograms: counting && phase ? { set: counting, phase } : null,
                shared,
              };
              const outcome = await runner.run(job, {
                signal: options.signal,
                onLayer: (layer) => options.onProgress?.({ done: ++done, total: steps, series: s, trial, layer }),
              });
              if (backward || counting) shared ??= outcome.exponents;
              scales = outcome.scales;
              outcome.layers.forEach((l, i) => {
                addChunkLayer(merged[i], l);
                addFlags(records[i].flags, l.flags);
              });
            }
          }
          merged.forEach((m, i) => {
            for (const q of MEASURED) {
              if (!m[q].present) continue;
              const moments = toMoments(m[q].partial);
              records[i].trials[q].push(moments);
              addFlags(records[i].flags, float64Flags(moments, m[q].nonZero, q));
            }
          });
          if (counting) seriesHistograms = await counting.read((work) => runner.settle(work), scales, backward);
        }
        series.push({
          label: initLabel(spec),
          init: spec,
          layers: records.map(layerStats),
          ...(seriesHistograms ? { histograms: seriesHistograms } : {}),
        });
      }
      return {
        config,
        engine: 'gpu',
        device: gpu.description,
        gpuBytes: runBytes(shape),
        series,
        timings: { totalMs: performance.now() - started },
        ...(capture ? { capture } : {}),
      };
    } finally {
      buffers.destroy();
      histograms?.destroy();
    }
  }

  dispose(): void {
    this.ready?.gpu.device.destroy();
    this.ready = null;
  }
}

function isNonZero(p: Partial): boolean {
  return p.mean !== 0 || p.m2 !== 0;
}
