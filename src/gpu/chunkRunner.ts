/**
 * One chunk of rows through every layer of one series and trial: inputs, then per layer the weights, the fused layer
 * step in slabs and the merge, one layer in flight at a time (for progress, cancellation and pacing), then the
 * backward pass when asked. Returns each layer's statistics at their true scale in float64, and the captured rows.
 */
import type { BoundActivation } from '../lab/activations';
import { type ExperimentConfig, inputWidth } from '../lab/config';
import type { InitSpec } from '../lab/initializers';
import { type RangeFlag, throwIfAborted } from '../lab/results';
import type { Partial } from '../lab/stats';
import { type BackwardKernels, BackwardPass, type ChunkPlace } from './backwardPass';
import { DeviceLostError, type GpuContext } from './device';
import { decodeGradState, GRAD_EXPONENT, GRAD_STATE_WORDS } from './gradState';
import type { HistogramKernels, HistogramPhase, HistogramScales, HistogramSet } from './histogramSet';
import type { InputsKernel } from './inputsKernel';
import { type LayerKernel, tilesAlong } from './layerKernel';
import { decodeLayerState, LAYER_STATE_WORDS, STATE_EXPONENT } from './layerState';
import { forwardStep } from './layerStep';
import { loadLayerWeights } from './layerWeights';
import type { ExponentRule, MergeKernel } from './mergeKernel';
import type { RunBuffers } from './runBuffers';
import { heldInF32, ldexp, rmsExponent, toTrueScale } from './scale';
import type { WeightsKernel } from './weightsKernel';

export interface Kernels extends HistogramKernels {
  weights: WeightsKernel;
  inputs: InputsKernel;
  layer: LayerKernel;
  merge: MergeKernel;
  backward: BackwardKernels | null;
}

/** The renormalisation exponents a chunk chose, per layer: k of Z_l and j of ∂L/∂Z_l. */
export interface ChunkExponents {
  forward: number[];
  backward: number[];
}

export interface ChunkJob {
  config: ExperimentConfig;
  spec: InitSpec;
  series: number;
  trial: number;
  activation: BoundActivation;
  /** Homogeneous φ and zero bias: compute mantissas and carry exponents (see scale.ts). */
  exact: boolean;
  rows: number[];
  /** Captured rows in this chunk (trial 0 only): position in `rows` → index in the run's capture. */
  capture: { position: number; index: number }[];
  /** Per layer, [captureCount × width] pre-activations at true scale, filled for the captured rows. */
  captureInto: Float64Array[];
  place: ChunkPlace;
  backward: boolean;
  /** Trial 0 of a run with histograms: the set to fill and the phase (see histogramSet.ts). */
  histograms: { set: HistogramSet; phase: HistogramPhase } | null;
  /**
   * Exponents to reuse instead of choosing them: later chunks take the first chunk's, so that the chunks' ∂L/∂W add,
   * and their values are counted into one histogram, at one scale.
   */
  shared: ChunkExponents | null;
}

export interface ChunkLayer {
  pre: Partial;
  post: Partial;
  /** ∂L/∂Z_l over the chunk's rows, with a backward pass. */
  grad?: Partial;
  /** ∂L/∂W_l over the whole trial's rows: from the last chunk of a backward pass only. */
  weightGrad?: Partial;
  flags: RangeFlag[];
}

export interface ChunkOutcome {
  layers: ChunkLayer[];
  exponents: ChunkExponents;
  /** Per layer, the power of two from each quantity's GPU values to its true values. */
  scales: HistogramScales[];
}

export interface ChunkHooks {
  signal?: AbortSignal;
  onLayer: (layer: number) => void;
}

/** The device's measured speed, shared by the chunks of a run and kept across runs to size slabs. */
export interface Pace {
  macsPerMs: number;
  /** Target duration of one dispatch. */
  sliceMs: number;
}

export class ChunkRunner {
  constructor(
    private readonly gpu: GpuContext,
    private readonly kernels: Kernels,
    private readonly buffers: RunBuffers,
    private readonly pace: Pace,
  ) {}

  /** Waits for the queue, turning device loss and device errors into exceptions. */
  async settle<T>(work: Promise<T>): Promise<T> {
    const outcome = await Promise.race([
      work.then((value) => ({ value })),
      this.gpu.lost.then((reason) => ({ reason })),
    ]);
    if ('reason' in outcome) throw new DeviceLostError(outcome.reason);
    const error = this.gpu.takeError();
    if (error) throw new Error(`GPU error: ${error}`);
    return outcome.value;
  }

  /** Writes the chunk's input rows into activations[0]; returns the input's exponent and its range flags. */
  private writeInputs(job: ChunkJob): { exponent: number; flags: RangeFlag[] } {
    const { device } = this.gpu;
    const input = job.config.input;
    // Random inputs and the output gradient are both drawn by batch row.
    device.queue.writeBuffer(this.buffers.rows, 0, new Uint32Array(job.rows));
    if ('values' in input) {
      const exponent = job.exact ? rmsExponent(input.values) : 0;
      const scaled = new Float32Array(input.values.map((x) => ldexp(x, -exponent)));
      device.queue.writeBuffer(this.buffers.activations[0], 0, scaled);
      const unheld = job.exact ? [] : input.values.filter((x) => !heldInF32(x));
      const kinds = [...new Set(unheld.map((x) => (Math.abs(x) < 1 ? ('underflow' as const) : ('overflow' as const))))];
      return { exponent, flags: kinds.map((kind) => ({ quantity: 'pre', kind, precision: 'float32' })) };
    }
    this.kernels.inputs.draw(this.buffers.activations[0], this.buffers.rows, {
      seed: job.config.seed,
      trial: job.trial,
      rowCount: job.rows.length,
      width: input.width,
      distribution: input.distribution,
    });
    return { exponent: 0, flags: [] };
  }

  /** Clears the layer states, presetting shared exponents. */
  private resetState(job: ChunkJob): void {
    const { device } = this.gpu;
    const { depth } = job.config;
    const words = new Uint32Array(depth * LAYER_STATE_WORDS);
    const ints = new Int32Array(words.buffer);
    job.shared?.forward.forEach((k, i) => {
      ints[i * LAYER_STATE_WORDS + STATE_EXPONENT] = k;
    });
    device.queue.writeBuffer(this.buffers.layerState, 0, words);
    if (!this.buffers.backward) return;
    const grad = new Int32Array(depth * GRAD_STATE_WORDS);
    job.shared?.backward.forEach((j, i) => {
      grad[i * GRAD_STATE_WORDS + GRAD_EXPONENT] = j;
    });
    device.queue.writeBuffer(this.buffers.backward.gradState, 0, grad);
  }

  async run(job: ChunkJob, hooks: ChunkHooks): Promise<ChunkOutcome> {
    const { device } = this.gpu;
    const { config } = job;
    const buffers = this.buffers;
    const rows = job.rows.length;
    this.resetState(job);
    const inputs = this.writeInputs(job);
    const weightExponents: number[] = [];
    const extraFlags: RangeFlag[][] = [];
    const exponentRule: ExponentRule = !job.exact ? 'none' : job.shared ? 'keep' : 'choose';

    for (let layer = 1; layer <= config.depth; layer++) {
      throwIfAborted(hooks.signal);
      const started = performance.now();
      const fanIn = layer === 1 ? inputWidth(config) : config.width;
      const weights = loadLayerWeights(this.kernels.weights, buffers.weights, job, layer, fanIn);
      weightExponents.push(weights.exponent);
      extraFlags.push([...(layer === 1 ? inputs.flags : []), ...weights.flags]);
      const output = buffers.layerOutput(layer);
      forwardStep(this.kernels.layer, buffers, job, layer, fanIn, this.pace);
      this.kernels.merge.merge(
        buffers.partials,
        buffers.layerState,
        { partialCount: tilesAlong(rows) * tilesAlong(config.width), layer: layer - 1, exponent: exponentRule },
        (encoder) => this.copyCaptured(encoder, job, output, layer - 1),
      );
      this.measureForward(job, layer, output, fanIn);
      await this.settle(device.queue.onSubmittedWorkDone());
      const elapsed = performance.now() - started;
      // Only layers long enough to time well refine the pace.
      if (elapsed > 10) this.pace.macsPerMs = (rows * fanIn * config.width) / elapsed;
      throwIfAborted(hooks.signal);
      hooks.onLayer(layer);
    }
    if (job.backward) {
      const kernels = { ...this.kernels.backward!, weights: this.kernels.weights, layer: this.kernels.layer };
      await new BackwardPass(device, kernels, buffers, this.pace, (work) => this.settle(work)).run(
        job,
        exponentRule,
        hooks,
      );
    }
    return this.readBack(job, inputs.exponent, weightExponents, extraFlags);
  }

  /** Z_l, H_l and (once per trial: every chunk has the same) W_l into the histograms. */
  private measureForward(job: ChunkJob, layer: number, output: GPUBuffer, fanIn: number): void {
    const h = job.histograms;
    if (!h) return;
    const width = job.config.width;
    const common = { activationId: job.activation.id, slope: job.config.slope };
    h.set.measure(h.phase, layer - 1, 'pre', {
      values: output,
      count: job.rows.length * width,
      applyPhi: false,
      ...common,
    });
    h.set.measure(h.phase, layer - 1, 'post', {
      values: output,
      count: job.rows.length * width,
      applyPhi: true,
      ...common,
    });
    if (job.place.first)
      h.set.measure(h.phase, layer - 1, 'weights', {
        values: this.buffers.weights,
        count: fanIn * width,
        applyPhi: false,
        ...common,
      });
  }

  private copyCaptured(encoder: GPUCommandEncoder, job: ChunkJob, output: GPUBuffer, layerIndex: number): void {
    const width = job.config.width;
    const total = this.buffers.captureCount;
    for (const { position, index } of job.capture) {
      encoder.copyBufferToBuffer(
        output,
        position * width * 4,
        this.buffers.capture!,
        (layerIndex * total + index) * width * 4,
        width * 4,
      );
    }
  }

  private async readWords(source: GPUBuffer, readback: GPUBuffer): Promise<Uint32Array> {
    const encoder = this.gpu.device.createCommandEncoder();
    encoder.copyBufferToBuffer(source, 0, readback, 0, readback.size);
    this.gpu.device.queue.submit([encoder.finish()]);
    await this.settle(readback.mapAsync(GPUMapMode.READ));
    const words = new Uint32Array(readback.getMappedRange().slice(0));
    readback.unmap();
    return words;
  }

  private async readBack(
    job: ChunkJob,
    inputExponent: number,
    weightExponents: number[],
    extraFlags: RangeFlag[][],
  ): Promise<ChunkOutcome> {
    const { stateReadback, layerState, capture } = this.buffers;
    const words = await this.readWords(layerState, stateReadback);
    const depth = job.config.depth;
    const states = Array.from({ length: depth }, (_, i) => decodeLayerState(words, i));
    const layers: ChunkLayer[] = [];
    const exponents: number[] = [];
    let scale = inputExponent;
    for (let i = 0; i < depth; i++) {
      const state = states[i];
      scale += weightExponents[i] + (i > 0 ? states[i - 1].exponent : 0);
      exponents.push(scale);
      layers.push({
        pre: toTrueScale(state.pre, scale),
        post: toTrueScale(state.post, scale),
        flags: [...state.flags, ...extraFlags[i]],
      });
    }
    const forward = states.map((s) => s.exponent);
    const scales: HistogramScales[] = exponents.map((k, i) => ({
      pre: k,
      post: k,
      weights: weightExponents[i],
      grad: 0,
      weightGrad: 0,
    }));
    const backward = job.backward
      ? await this.readGradients(job, layers, scales, [inputExponent, ...exponents], weightExponents)
      : [];
    if (capture && job.capture.length) {
      await this.settle(capture.mapAsync(GPUMapMode.READ));
      const values = new Float32Array(capture.getMappedRange().slice(0));
      capture.unmap();
      const width = job.config.width;
      const total = this.buffers.captureCount;
      job.captureInto.forEach((into, layer) => {
        for (const { index } of job.capture) {
          for (let c = 0; c < width; c++) {
            into[index * width + c] = ldexp(values[(layer * total + index) * width + c], exponents[layer]);
          }
        }
      });
    }
    return { layers, exponents: { forward, backward }, scales };
  }

  /**
   * Adds ∂L/∂Z_l and ∂L/∂W_l at their true scale to `layers`; returns the exponents j_l. δ_l = 2^{D_l}·δ_l(GPU) with
   * D_L = 0 and D_{l−1} = D_l + e_l + j_l; ∂L/∂W_l = 2^{K_{l−1} + D_l}·(H_{l−1}ᵀ·δ_l)(GPU), K_0 the input's exponent.
   */
  private async readGradients(
    job: ChunkJob,
    layers: ChunkLayer[],
    scales: HistogramScales[],
    inputScales: number[],
    weightExponents: number[],
  ): Promise<number[]> {
    const b = this.buffers.backward!;
    const words = await this.readWords(b.gradState, b.gradStateReadback);
    const states = layers.map((_, i) => decodeGradState(words, i));
    let scale = 0;
    for (let i = layers.length - 1; i >= 0; i--) {
      const state = states[i];
      layers[i].grad = toTrueScale(state.grad, scale);
      if (job.place.last) layers[i].weightGrad = toTrueScale(state.weightGrad, inputScales[i] + scale);
      scales[i].grad = scale;
      scales[i].weightGrad = inputScales[i] + scale;
      layers[i].flags.push(...state.flags);
      scale += weightExponents[i] + state.exponent;
    }
    return states.map((s) => s.exponent);
  }
}
