/**
 * The WebGPU engine: the same experiment as the CPU reference, from the same Philox stream, in float32 kernels with
 * statistics merged in float64 here. Exact beyond float32's range for homogeneous activations with zero bias
 * (see scale.ts); elsewhere figures float32 cannot hold are flagged, never reported as measurements. With `backward`,
 * gradients take the same route back (backwardPass.ts); with `histogramBins`, trial 0 is counted on the GPU
 * (histogramSet.ts). Results have the CPU engine's shape.
 */
import { bindActivation } from '../lab/activations';
import { type ExperimentConfig, inputWidth } from '../lab/config';
import { type Engine, type RunOptions, resolveRunOptions } from '../lab/engine';
import type { RowCapture, RunResult, SeriesResult } from '../lab/results';
import { acquireDevice, EMULATED_GPU_NOTE, type GpuContext } from './device';
import { GpuRun } from './gpuRun';
import type { Pace } from './job';
import { compileBackwardKernels, compileKernels, type Kernels } from './kernels';
import { INITIAL_MACS_PER_MS, planRun, runBytes, SLICE_MS } from './plan';

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

  async run(config: ExperimentConfig, options: RunOptions = {}): Promise<RunResult> {
    const started = performance.now();
    const { gpu, kernels } = await this.connect();
    const resolved = resolveRunOptions(config, options);
    if (resolved.backward) kernels.backward ??= await compileBackwardKernels(gpu.device);
    const { maxStorageBufferBindingSize, maxBufferSize } = gpu.device.limits;
    const layout = planRun(
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
      return {
        config,
        engine: 'gpu',
        device: gpu.description,
        gpuBytes: runBytes(layout.shape),
        series,
        timings: { totalMs: performance.now() - started },
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
