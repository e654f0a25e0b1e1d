/**
 * The WebGPU engine: the same experiment as the CPU reference, from the same Philox stream, in float32 kernels with
 * statistics merged in float64 here. Exact beyond float32's range for homogeneous activations with zero bias
 * (see scale.ts); elsewhere figures float32 cannot hold are flagged, never reported as measurements. With `backward`,
 * gradients take the same route back (backwardPass.ts); with `histogramBins`, trial 0 is counted on the GPU
 * (histogramSet.ts). Results have the CPU engine's shape.
 */
import { bindActivation } from '../lab/activations';
import { isPlainMlp } from '../lab/architecture';
import { batchRows, type ExperimentConfig, parseConfig } from '../lab/config';
import { makeDataset } from '../lab/datasets';
import { type Engine, type RunOptions, resolveRunOptions, type SendableOptions, throwIfAborted } from '../lab/engine';
import { estimateGrid, isGrid, runGrid, trainGrid } from '../lab/grid';
import { phaseWork } from '../lab/phase';
import type { RowCapture, RunResult, SeriesResult } from '../lab/results';
import type { Trainer, TrainingSession } from '../lab/training';
import { estimateRun, jacobianWork, type RunEstimate, runWork } from '../lab/work';
import { allocateRun, runLayout } from './allocateRun';
import { DRAW_MACS, runCost } from './cost';
import { acquireDevice, EMULATED_GPU_NOTE, type GpuContext } from './device';
import { GpuRun } from './gpuRun';
import { GpuTrainingSession } from './gpuTrainer';
import type { Pace } from './job';
import {
  compileBackwardKernels,
  compileKernels,
  compilePhaseKernels,
  compileTangentKernel,
  type Kernels,
  passKernels,
} from './kernels';
import { phaseBytes, runPhaseOnGpu } from './phaseRun';
import { INITIAL_MACS_PER_MS, type MemoryBudget, memoryBudget, SLICE_MS } from './plan';
import { runBytes } from './runShape';
import { TrainBuffers } from './trainBuffers';
import { compileTrainKernels, type TrainKernels } from './trainKernels';
import { trainNetwork } from './trainModel';
import { NetworkTrainPass } from './trainNetworkPass';
import { TrainPass } from './trainPass';

export { DeviceLostError, GpuFailureError, GpuMemoryError, GpuUnavailableError } from './device';

export interface GpuEngineOptions {
  /** Cap on rows per chunk (tests use it to force several chunks); the device's buffer limits cap it anyway. */
  maxRowsPerChunk?: number;
  powerPreference?: GPUPowerPreference;
  /** Target duration of one dispatch (default SLICE_MS); each layer is split into slabs of rows to keep to it. */
  sliceMs?: number;
  /** Cap on the bytes the kept Z and δ of a backward pass take (tests use it to force checkpoints). */
  traceBytes?: number;
  /**
   * The largest buffer a run may allocate, in bytes: 256 MiB by default, never above the device's limits. A run
   * allocates at most plan.ts's BUFFERS_PER_RUN of them in all.
   */
  bufferBudget?: number;
  /**
   * For tests: the largest buffer the device can actually back. A device may allow buffers it cannot back; a larger
   * allocation is then refused as out of memory, as a real device would.
   */
  backableBytes?: number;
}

/** A run this long times the device well enough to estimate from. */
const CALIBRATION_MS = 200;

interface Ready {
  gpu: GpuContext;
  kernels: Kernels;
  /** Compiled on the first training session. */
  trainKernels?: TrainKernels;
}

export class GpuEngine implements Engine, Trainer {
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

  /** Speed in multiply–adds of the tiled product per second (cost.ts): a calibration at first, then finished runs. */
  private costPerSecond: number | null = null;

  async estimate(config: ExperimentConfig, options: SendableOptions = {}): Promise<RunEstimate> {
    if (isGrid(config)) return estimateGrid((c, o) => this.estimate(c, o), config, options);
    const { gpu } = await this.connect();
    const resolved = resolveRunOptions(config, options);
    if (resolved.phase) {
      this.costPerSecond ??= await this.calibrate();
      const macs = phaseWork(config);
      return estimateRun(macs, this.costPerSecond, phaseBytes(config, this.budget(gpu)));
    }
    const macs = (runWork(config, resolved.backward, resolved.jacobian) * resolved.rows.length) / batchRows(config);
    const { shape } = runLayout(config, resolved, this.budget(gpu), this.options);
    this.costPerSecond ??= await this.calibrate();
    // The Jacobian's tangent rows and its CPU singular values take about their multiply–adds' time again.
    const jacobian = resolved.jacobian ? jacobianWork(config) : 0;
    const cost = runCost(config, shape, resolved.rows.length, resolved.histogramBins !== undefined) + jacobian;
    return estimateRun(macs, this.costPerSecond, runBytes(shape), cost);
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
      const result = await this.run(parsed.config);
      const ms = result.timings.totalMs;
      if (ms > CALIBRATION_MS || width >= 4096) {
        // One square layer in one chunk: width³ multiply–adds and width² draws (cost.ts).
        return (width ** 3 + DRAW_MACS * width ** 2) / (ms / 1000);
      }
    }
  }

  /** The memory a run may take on this device. */
  private budget(gpu: GpuContext): MemoryBudget {
    return memoryBudget(gpu.device.limits, this.options.bufferBudget);
  }

  /** The run in flight, which the next one waits for: one run, or calibration, at a time on the device. */
  private queue: Promise<unknown> = Promise.resolve();

  run(config: ExperimentConfig, options: RunOptions = {}): Promise<RunResult> {
    if (isGrid(config)) return runGrid((c, o) => this.run(c, o), config, options);
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
    if (!isPlainMlp(config.architecture)) await passKernels(gpu.device, kernels);
    if (resolved.jacobian) kernels.tangent ??= await compileTangentKernel(gpu.device);
    if (resolved.phase) return this.runPhase(gpu, kernels, config, options, started);
    const { layout, buffers, plan } = await allocateRun(gpu, config, resolved, this.budget(gpu), this.options);
    const activation = bindActivation(config.activation, config);
    const run = new GpuRun(gpu, kernels, this.pace, config, activation, resolved, layout, buffers, options);
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
      const jacobian = resolved.jacobian ? jacobianWork(config) : 0;
      const cost = runCost(config, layout.shape, resolved.rows.length, resolved.histogramBins !== undefined) + jacobian;
      if (totalMs > CALIBRATION_MS) this.costPerSecond = cost / (totalMs / 1000);
      return {
        config,
        engine: 'gpu',
        device: gpu.description,
        gpuBytes: runBytes(layout.shape),
        gpuPlan: plan,
        series,
        timings: { totalMs },
        ...(capture ? { capture } : {}),
      };
    } finally {
      run.destroy();
      buffers.destroy();
    }
  }

  /**
   * A training session of every series of `config` (src/gpu/gpuTrainer.ts). Its parameters, optimizer state, dataset
   * and scratch must fit the memory budget whole (training keeps every layer's weights on the GPU); otherwise the
   * error says how much it would keep and what it may use.
   */
  async train(config: ExperimentConfig): Promise<TrainingSession> {
    if (isGrid(config)) return trainGrid(this, config);
    const ready = await this.connect();
    const { gpu, kernels } = ready;
    ready.trainKernels ??= await compileTrainKernels(await passKernels(gpu.device, kernels), gpu.device);
    const data = makeDataset(config.train.dataset, config.seed);
    const { net, factors } = trainNetwork(config, data, gpu.emulated);
    const budget = this.budget(gpu);
    const buffers = await TrainBuffers.allocate(gpu.device, data, net, config, budget);
    const route = net.body
      ? await NetworkTrainPass.open(gpu, ready.trainKernels, buffers, { net, body: net.body, data, config }, budget)
      : new TrainPass(gpu, ready.trainKernels, buffers, net, data);
    return new GpuTrainingSession(gpu, ready.trainKernels, buffers, route, config, data, net, factors, this.pace);
  }

  /** Every grid point of the config's phase diagram at once (phaseRun.ts). */
  private async runPhase(
    gpu: GpuContext,
    kernels: Kernels,
    config: ExperimentConfig,
    options: RunOptions,
    started: number,
  ): Promise<RunResult> {
    kernels.phase ??= await compilePhaseKernels(gpu.device);
    const budget = this.budget(gpu);
    const phase = await runPhaseOnGpu(gpu, kernels, this.pace, config, budget, options);
    const totalMs = performance.now() - started;
    if (totalMs > CALIBRATION_MS) this.costPerSecond = phaseWork(config) / (totalMs / 1000);
    const gpuBytes = phaseBytes(config, budget);
    return { config, engine: 'gpu', device: gpu.description, gpuBytes, series: [], phase, timings: { totalMs } };
  }

  dispose(): void {
    this.ready?.gpu.device.destroy();
    this.ready = null;
  }
}
