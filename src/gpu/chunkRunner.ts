/**
 * One chunk of rows through every layer of one series and trial: inputs, then per layer the weights, the fused layer
 * step in slabs and the merge, one layer in flight at a time (for progress, cancellation and pacing). Returns each
 * layer's statistics at their true scale in float64, and the captured rows.
 */
import type { BoundActivation } from '../lab/activations';
import { inputWidth, type ExperimentConfig } from '../lab/config';
import { weightDistribution, type InitSpec } from '../lab/initializers';
import { throwIfAborted, type RangeFlag } from '../lab/results';
import { sampleWeights } from '../lab/sampling';
import type { Partial } from '../lab/stats';
import { DeviceLostError, type GpuContext } from './device';
import type { InputsKernel } from './inputsKernel';
import { LayerKernel, tilesAlong } from './layerKernel';
import { decodeLayerState, LAYER_STATE_WORDS } from './layerState';
import type { MergeKernel } from './mergeKernel';
import { slabRows } from './plan';
import type { RunBuffers } from './runBuffers';
import { isElementShape } from './shapes';
import { heldInF32, ldexp, rmsExponent, splitScale, toTrueScale } from './scale';
import type { WeightsKernel } from './weightsKernel';

export interface Kernels {
  weights: WeightsKernel;
  inputs: InputsKernel;
  layer: LayerKernel;
  merge: MergeKernel;
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
}

export interface ChunkLayer {
  pre: Partial;
  post: Partial;
  flags: RangeFlag[];
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
  private async settle<T>(work: Promise<T>): Promise<T> {
    const outcome = await Promise.race([work.then((value) => ({ value })), this.gpu.lost.then((reason) => ({ reason }))]);
    if ('reason' in outcome) throw new DeviceLostError(outcome.reason);
    const error = this.gpu.takeError();
    if (error) throw new Error(`GPU error: ${error}`);
    return outcome.value;
  }

  /** Writes the chunk's input rows into activations[0]; returns the input's exponent and its range flags. */
  private writeInputs(job: ChunkJob): { exponent: number; flags: RangeFlag[] } {
    const { device } = this.gpu;
    const input = job.config.input;
    if ('values' in input) {
      const exponent = job.exact ? rmsExponent(input.values) : 0;
      const scaled = new Float32Array(input.values.map((x) => ldexp(x, -exponent)));
      device.queue.writeBuffer(this.buffers.activations[0], 0, scaled);
      const unheld = job.exact ? [] : input.values.filter((x) => !heldInF32(x));
      const kinds = [...new Set(unheld.map((x) => (Math.abs(x) < 1 ? 'underflow' as const : 'overflow' as const)))];
      return { exponent, flags: kinds.map((kind) => ({ quantity: 'pre', kind, precision: 'float32' })) };
    }
    device.queue.writeBuffer(this.buffers.rows, 0, new Uint32Array(job.rows));
    this.kernels.inputs.draw(this.buffers.activations[0], this.buffers.rows, {
      seed: job.config.seed, trial: job.trial, rowCount: job.rows.length, width: input.width, distribution: input.distribution,
    });
    return { exponent: 0, flags: [] };
  }

  async run(job: ChunkJob, hooks: ChunkHooks): Promise<ChunkLayer[]> {
    const { device } = this.gpu;
    const { config } = job;
    const buffers = this.buffers;
    const rows = job.rows.length;
    device.queue.writeBuffer(buffers.layerState, 0, new Uint32Array(config.depth * LAYER_STATE_WORDS));
    const inputs = this.writeInputs(job);
    const weightExponents: number[] = [];
    const extraFlags: RangeFlag[][] = [];

    for (let layer = 1; layer <= config.depth; layer++) {
      throwIfAborted(hooks.signal);
      const started = performance.now();
      const fanIn = layer === 1 ? inputWidth(config) : config.width;
      const dist = weightDistribution(job.spec, fanIn, config.width);
      const { mantissa, exponent } = job.exact ? splitScale(dist.scale) : { mantissa: dist.scale, exponent: 0 };
      weightExponents.push(exponent);
      const flags = layer === 1 ? [...inputs.flags] : [];
      if (!heldInF32(mantissa)) flags.push({ quantity: 'pre', kind: Math.abs(mantissa) < 1 ? 'underflow' : 'overflow', precision: 'float32' });
      extraFlags.push(flags);
      const address = { seed: config.seed, series: job.series, trial: job.trial, layer };
      if (isElementShape(dist.shape)) {
        this.kernels.weights.draw(buffers.weights, { ...address, fanIn, fanOut: config.width, shape: dist.shape, scale: mantissa });
      } else {
        // Recomputed per chunk; a batch needs several chunks only beyond 2^28 elements per layer.
        const weights = sampleWeights(dist, address, fanIn, config.width);
        this.kernels.weights.upload(buffers.weights, Float32Array.from(weights, (w) => ldexp(w, -exponent)));
      }
      const input = buffers.activations[(layer - 1) % 2];
      const output = buffers.activations[layer % 2];
      const step = {
        rows, fanIn, fanOut: config.width, activationId: job.activation.id, activateInput: layer > 1,
        layer: layer - 1, bias: config.bias, slope: config.slope,
      };
      const slab = slabRows(rows, fanIn, config.width, this.pace.macsPerMs, this.pace.sliceMs);
      for (let offset = 0; offset < rows; offset += slab) {
        this.kernels.layer.slab({ input, weights: buffers.weights, output, partials: buffers.partials, layerState: buffers.layerState },
          step, offset, Math.min(slab, rows - offset));
      }
      this.kernels.merge.merge(buffers.partials, buffers.layerState,
        { partialCount: tilesAlong(rows) * tilesAlong(config.width), layer: layer - 1, renormalise: job.exact },
        (encoder) => this.copyCaptured(encoder, job, output, layer - 1));
      await this.settle(device.queue.onSubmittedWorkDone());
      const elapsed = performance.now() - started;
      // Only layers long enough to time well refine the pace.
      if (elapsed > 10) this.pace.macsPerMs = (rows * fanIn * config.width) / elapsed;
      throwIfAborted(hooks.signal);
      hooks.onLayer(layer);
    }
    return this.readBack(job, inputs.exponent, weightExponents, extraFlags);
  }

  private copyCaptured(encoder: GPUCommandEncoder, job: ChunkJob, output: GPUBuffer, layerIndex: number): void {
    const width = job.config.width;
    const total = this.buffers.captureCount;
    for (const { position, index } of job.capture) {
      encoder.copyBufferToBuffer(output, position * width * 4, this.buffers.capture!, (layerIndex * total + index) * width * 4, width * 4);
    }
  }

  private async readBack(job: ChunkJob, inputExponent: number, weightExponents: number[], extraFlags: RangeFlag[][]): Promise<ChunkLayer[]> {
    const { device } = this.gpu;
    const { stateReadback, layerState, capture } = this.buffers;
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(layerState, 0, stateReadback, 0, stateReadback.size);
    device.queue.submit([encoder.finish()]);
    await this.settle(stateReadback.mapAsync(GPUMapMode.READ));
    const words = new Uint32Array(stateReadback.getMappedRange().slice(0));
    stateReadback.unmap();

    const layers: ChunkLayer[] = [];
    const exponents: number[] = [];
    let scale = inputExponent;
    for (let i = 0; i < job.config.depth; i++) {
      const state = decodeLayerState(words, i);
      scale += weightExponents[i] + (i > 0 ? decodeLayerState(words, i - 1).exponent : 0);
      exponents.push(scale);
      layers.push({ pre: toTrueScale(state.pre, scale), post: toTrueScale(state.post, scale), flags: [...state.flags, ...extraFlags[i]] });
    }
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
    return layers;
  }
}
