/**
 * The WebGPU engine: the same experiment as the CPU reference, from the same Philox stream, in float32 kernels with
 * statistics merged in float64 here. Exact beyond float32's range for homogeneous activations with zero bias
 * (see scale.ts); elsewhere figures float32 cannot hold are flagged, never reported as measurements. With `backward`,
 * gradients take the same route back (backwardPass.ts); with `histogramBins`, trial 0 is counted on the GPU
 * (histogramSet.ts). Results have the CPU engine's shape.
 */
import { bindActivation } from '../lab/activations';
import { batchRows, type ExperimentConfig, inputWidth, parseConfig } from '../lab/config';
import {
  type Engine,
  type ResolvedOptions,
  type RunOptions,
  resolveRunOptions,
  type SendableOptions,
  throwIfAborted,
} from '../lab/engine';
import type { RowCapture, RunResult, SeriesResult } from '../lab/results';
import { estimateRun, forwardWork, type RunEstimate, runWork } from '../lab/work';
import { acquireDevice, EMULATED_GPU_NOTE, type GpuContext } from './device';
import { GpuRun } from './gpuRun';
import type { Pace } from './job';
import { compileBackwardKernels, compileKernels, type Kernels } from './kernels';
import { INITIAL_MACS_PER_MS, planRun, type RunLayout, runBytes, SLICE_MS } from './plan';

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

/** A calibration run this long times the device well enough. */
const CALIBRATION_MS = 40;

interface Ready {
  gpu: GpuContext;
  kernels: Kernels;
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

  /** Whether the adapter is a CPU emulation, and the sentence that says so; null for a real GPU. */
  get note(): string | null {
    return this.ready?.gpu.emulated ? EMULATED_GPU_NOTE : null;
  }

  /** The device and kernels, re-created after a loss. */
  private async connect(): Promise<Ready> {
    if (this.ready) return this.ready;
    const gpu = await acquireDevice(this.options.powerPreference);
    const ready: Ready = { gpu, kernels: await compileKernels(gpu.device) };
    gpu.lost.then(() => {
      if (this.ready === ready) this.ready = null;
    });
    this.ready = ready;
    return ready;
  }

  /** Multiply–adds per second of whole runs: a calibration at first, then what finished runs measured. */
  private macsPerSecond: number | null = null;

  async estimate(config: ExperimentConfig, options: SendableOptions = {}): Promise<RunEstimate> {
    const { gpu } = await this.connect();
    const resolved = resolveRunOptions(config, options);
    const macs = (runWork(config, resolved.backward) * resolved.rows.length) / batchRows(config);
    this.macsPerSecond ??= await this.calibrate();
    return estimateRun(macs, this.macsPerSecond, runBytes(this.layout(config, resolved, gpu).shape));
  }

  /** Times square forward runs of doubling width until one lasts long enough to time (or width 4096). */
  private async calibrate(): Promise<number> {
    for (let width = 128; ; width *= 2) {
      const parsed = parseConfig({
        depth: 1,
        width,
        input: { distribution: 'normal', batch: width, width },
        init: { kind: 'he-normal' },
      });
      if (!parsed.ok) throw new Error('the calibration config is invalid');
      const { timings } = await this.run(parsed.config);
      if (timings.totalMs > CALIBRATION_MS || width >= 4096) {
        return forwardWork(parsed.config) / (timings.totalMs / 1000);
      }
    }
  }

  /** How a run is cut on this device (see plan.ts). */
  private layout(config: ExperimentConfig, resolved: ResolvedOptions, gpu: GpuContext): RunLayout {
    const { maxStorageBufferBindingSize, maxBufferSize } = gpu.device.limits;
    return planRun(
      {
        rows: resolved.rows,
        inputWidth: inputWidth(config),
        width: config.width,
        depth: config.depth,
        captureCount: resolved.captureRows.length,
        backward: resolved.backward,
        histograms: resolved.histogramBins !== undefined,
      },
      {
        maxStorageBufferBindingSize,
        maxBufferSize,
        maxRowsPerChunk: this.options.maxRowsPerChunk,
        traceBytes: this.options.traceBytes,
      },
    );
  }

  /** The run in flight, which the next one waits for: one run, or calibration, at a time on the device. */
  private queue: Promise<unknown> = Promise.resolve();

  run(config: ExperimentConfig, options: RunOptions = {}): Promise<RunResult> {
    const next = this.queue.then(
      () => this.runNow(config, options),
      () => this.runNow(config, options),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(config: ExperimentConfig, options: RunOptions): Promise<RunResult> {
    throwIfAborted(options.signal);
    const started = performance.now();
    const { gpu, kernels } = await this.connect();
    const resolved = resolveRunOptions(config, options);
    if (resolved.backward) kernels.backward ??= await compileBackwardKernels(gpu.device);
    const layout = this.layout(config, resolved, gpu);
    const activation = bindActivation(config.activation, config);
    const run = new GpuRun(gpu, kernels, this.pace, config, activation, resolved, layout, options);
    const capture: RowCapture | undefined = resolved.captureRows.length
      ? { rows: resolved.captureRows, preActivations: [] }
      : undefined;
    try {
      const series: SeriesResult[] = [];
      for (let s = 0; s < config.sweep.length; s++) {
        const captured = capture
          ? Array.from({ length: config.depth }, () => new Float64Array(resolved.captureRows.length * config.width))
          : [];
        series.push(await run.series(s, captured));
        capture?.preActivations.push(captured);
      }
      const totalMs = performance.now() - started;
      // Runs long enough to time well refine the speed estimates are made from.
      if (totalMs > 200) {
        this.macsPerSecond =
          (runWork(config, resolved.backward) * resolved.rows.length) / batchRows(config) / (totalMs / 1000);
      }
      return {
        config,
        engine: 'gpu',
        device: gpu.description,
        gpuBytes: runBytes(layout.shape),
        series,
        timings: { totalMs },
        ...(capture ? { capture } : {}),
      };
    } finally {
      run.destroy();
    }
  }

  dispose(): void {
    this.ready?.gpu.device.destroy();
    this.ready = null;
  }
}
