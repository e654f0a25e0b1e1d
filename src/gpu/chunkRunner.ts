/**
 * One chunk of rows through every layer of one series and trial: inputs, then per layer the weights, the fused layer
 * step in slabs and the merge, one layer in flight at a time (for progress, cancellation and pacing), then the
 * backward pass when asked. Returns each layer's statistics at their true scale in float64, and the captured rows.
 */
import { throwIfAborted } from '../lab/engine';
import type { RangeFlag } from '../lab/results';
import type { Partial } from '../lab/stats';
import { BackwardPass } from './backwardPass';
import { type GpuContext, readWords } from './device';
import { tilesAlong } from './geometry';
import type { HistogramScales } from './histogramSet';
import { JacobianPass } from './jacobianPass';
import { type ChunkHooks, type ChunkJob, type ChunkOutcome, fanInOf, type Pace, type UnitBlock } from './job';
import type { Kernels } from './kernels';
import { BACKWARD_SLOTS, decodeState, type ExponentRule, FORWARD_SLOTS, STATE } from './layerState';
import { forwardStep } from './layerStep';
import { weightScale } from './layerWeights';
import { type NetworkChunkContext, networkChunk } from './networkChunk';
import { RowMeasures } from './rowMeasures';
import { BLOCK_STATE_WORDS, type RunBuffers } from './runBuffers';
import { heldInF32, ldexp, rmsExponent } from './scale';
import { addGradientsAtTrueScale, forwardAtTrueScale } from './trueScale';

export class ChunkRunner {
  private readonly rowMeasures: RowMeasures;

  constructor(
    private readonly gpu: GpuContext,
    private readonly kernels: Kernels,
    private readonly buffers: RunBuffers,
    private readonly pace: Pace,
    /** How the run's weights are cut: columns per forward block, and each layer's blocks of input units. */
    private readonly layout: { forwardColumns: number; blocks: UnitBlock[][] },
  ) {
    this.rowMeasures = new RowMeasures(gpu, kernels, buffers);
  }

  /** Writes the chunk's input rows into activations[0]; returns the input's exponent and its range flags. */
  private writeInputs(job: ChunkJob): { exponent: number; flags: RangeFlag[] } {
    const { device } = this.gpu;
    const { net } = job;
    // Random inputs and the output gradient are both drawn by batch row.
    device.queue.writeBuffer(this.buffers.rows, 0, new Uint32Array(job.rows));
    if ('values' in net.input) {
      const values = net.input.values;
      const exponent = net.exact ? rmsExponent(values) : 0;
      device.queue.writeBuffer(
        this.buffers.activations[0],
        0,
        new Float32Array(values.map((x) => ldexp(x, -exponent))),
      );
      const unheld = net.exact ? [] : values.filter((x) => !heldInF32(x));
      const kinds = [...new Set(unheld.map((x) => (Math.abs(x) < 1 ? ('underflow' as const) : ('overflow' as const))))];
      return { exponent, flags: kinds.map((kind) => ({ quantity: 'pre', kind, precision: 'float32' })) };
    }
    this.kernels.inputs.draw(this.buffers.activations[0], this.buffers.rows, {
      seed: net.seed,
      trial: net.trial,
      rowCount: job.rows.length,
      input: net.input,
    });
    return { exponent: 0, flags: [] };
  }

  /** Clears the forward and backward states, presetting shared exponents. */
  private resetStates(job: ChunkJob): void {
    const write = (target: GPUBuffer, exponents: number[] | undefined) => {
      const words = new Int32Array(target.size / 4);
      exponents?.forEach((k, i) => {
        words[i * STATE.words + STATE.exponent] = k;
      });
      this.gpu.device.queue.writeBuffer(target, 0, words);
    };
    write(this.buffers.layerState, job.shared?.forward);
    if (this.buffers.backward) write(this.buffers.backward.gradState, job.shared?.backward);
  }

  async run(job: ChunkJob, hooks: ChunkHooks): Promise<ChunkOutcome> {
    const { net } = job;
    const { buffers } = this;
    const rows = job.rows.length;
    this.resetStates(job);
    const inputs = this.writeInputs(job);
    if (net.architecture) return this.network(job, inputs.flags, hooks);
    const weightExponents: number[] = [];
    const extraFlags: RangeFlag[][] = [];
    const exponentRule: ExponentRule = !net.exact ? 'none' : job.shared ? 'keep' : 'choose';
    const jacobian = this.jacobianPass(job);

    for (let layer = 1; layer <= net.depth; layer++) {
      throwIfAborted(hooks.signal);
      const started = performance.now();
      const weights = weightScale(net, layer);
      weightExponents.push(weights.exponent);
      extraFlags.push([...(layer === 1 ? inputs.flags : []), ...weights.flags]);
      const output = buffers.layerOutput(layer);
      forwardStep(
        this.kernels,
        buffers.forwardBuffers(layer),
        net,
        rows,
        layer,
        this.pace,
        this.layout.forwardColumns,
        (cols, colOffset) => {
          this.measureWeights(job, layer, cols);
          jacobian?.block(layer, buffers.layerInput(layer), buffers.weights, colOffset, cols);
        },
      );
      jacobian?.merge(layer);
      const merge = {
        partialCount: tilesAlong(rows) * tilesAlong(net.width),
        target: { layer: layer - 1, slots: 'both' },
        exponent: exponentRule,
      } as const;
      this.kernels.merge.merge(buffers.partials, buffers.layerState, merge, (encoder) =>
        this.rowMeasures.copyCaptured(encoder, job, output, layer - 1),
      );
      this.rowMeasures.measurePairs(job, layer, output);
      this.measureForward(job, layer, output);
      await this.gpu.settle(this.gpu.device.queue.onSubmittedWorkDone());
      const elapsed = performance.now() - started;
      // Only layers long enough to time well refine the pace.
      if (elapsed > 10) this.pace.macsPerMs = (rows * fanInOf(net, layer) * net.width) / elapsed;
      throwIfAborted(hooks.signal);
      hooks.onLayer(layer);
    }
    if (job.backward) {
      const kernels = {
        ...this.kernels.backward!,
        weights: this.kernels.weights,
        layer: this.kernels.layer,
        merge: this.kernels.merge,
      };
      // The backward pass is linear in the gradient whatever φ and b are, so its exponents are always carried.
      const backwardRule: ExponentRule = job.shared ? 'keep' : 'choose';
      const pass = new BackwardPass(
        this.gpu,
        kernels,
        buffers,
        this.pace,
        this.layout.forwardColumns,
        this.layout.blocks,
      );
      await pass.run(job, backwardRule, hooks);
    }
    const outcome = await this.readBack(job, inputs.exponent, weightExponents, extraFlags);
    if (!jacobian) return outcome;
    const output = buffers.layerOutput(net.depth);
    const activation = job.jacobian!.activation;
    return { ...outcome, singularValues: await jacobian.finish(output, weightExponents, activation) };
  }

  /** Any other network's chunk (networkChunk.ts), and its captured Z_l (at their own scale). */
  private async network(job: ChunkJob, inputFlags: RangeFlag[], hooks: ChunkHooks): Promise<ChunkOutcome> {
    const { gpu, kernels, buffers } = this;
    const context = {
      gpu,
      kernels: { ...kernels.pass!, weights: kernels.weights, outputGradient: kernels.backward?.outputGradient ?? null },
      buffers,
      read: (state: GPUBuffer, readback: GPUBuffer) => readWords(gpu, state, readback),
      measure: (pre: GPUBuffer, layer: number) => {
        const encoder = gpu.device.createCommandEncoder();
        this.rowMeasures.copyCaptured(encoder, job, pre, layer - 1);
        gpu.device.queue.submit([encoder.finish()]);
        this.rowMeasures.measurePairs(job, layer, pre);
      },
      onLayer: async (layer: number) => {
        throwIfAborted(hooks.signal);
        hooks.onLayer(layer);
      },
      histogram: this.networkHistogram(job),
    };
    const outcome = await networkChunk(context, job, inputFlags);
    await this.rowMeasures.readPairs(outcome.layers);
    await this.rowMeasures.readCapture(job, new Array(job.net.depth).fill(0));
    return outcome;
  }

  /**
   * Counts a network-pass chunk's values into trial 0's histograms: W_l once (the first chunk), Z_l and H_l in the first
   * pass over the chunks, ∂L/∂Z_l and ∂L/∂W_l of the one chunk a backward run takes; null without histograms.
   */
  private networkHistogram(job: ChunkJob): NetworkChunkContext['histogram'] {
    const h = job.histograms;
    if (!h || job.pass.index > 0) return null;
    const { activationId, slope } = job.net;
    return (quantity, layer, values, count, applyPhi) => {
      if (quantity === 'weights' && !job.place.first) return;
      h.set.measure(h.phase, layer - 1, quantity, { values, count, applyPhi, activationId, slope });
    };
  }

  /** The job's Jacobian pass, when it takes one. */
  private jacobianPass(job: ChunkJob): JacobianPass | null {
    if (!job.jacobian) return null;
    const kernels = { tangent: this.kernels.tangent!, merge: this.kernels.merge };
    return new JacobianPass(this.gpu, kernels, this.buffers.tangents!, this.pace, job.net);
  }

  /** A block of W_l into the histograms, once per trial: every chunk and pass draws the same. */
  private measureWeights(job: ChunkJob, layer: number, cols: number): void {
    const h = job.histograms;
    if (!h || !job.place.first || job.pass.index > 0) return;
    const { activationId, slope } = job.net;
    const count = fanInOf(job.net, layer) * cols;
    h.set.measure(h.phase, layer - 1, 'weights', {
      values: this.buffers.weights,
      count,
      applyPhi: false,
      activationId,
      slope,
    });
  }

  /** Z_l and H_l into the histograms, in the first pass over the chunks. */
  private measureForward(job: ChunkJob, layer: number, output: GPUBuffer): void {
    const h = job.histograms;
    if (!h || job.pass.index > 0) return;
    const { width, activationId, slope } = job.net;
    const count = job.rows.length * width;
    const common = { activationId, slope };
    h.set.measure(h.phase, layer - 1, 'pre', { values: output, count, applyPhi: false, ...common });
    h.set.measure(h.phase, layer - 1, 'post', { values: output, count, applyPhi: true, ...common });
  }

  private async readBack(
    job: ChunkJob,
    inputExponent: number,
    weightExponents: number[],
    extraFlags: RangeFlag[][],
  ): Promise<ChunkOutcome> {
    const { net } = job;
    const words = await readWords(this.gpu, this.buffers.layerState, this.buffers.stateReadback);
    const states = Array.from({ length: net.depth }, (_, i) => decodeState(words, i, FORWARD_SLOTS));
    const { layers, exponents } = forwardAtTrueScale(states, inputExponent, weightExponents, extraFlags);
    const scales: HistogramScales[] = exponents.map((k, i) => ({
      pre: k,
      post: k,
      weights: weightExponents[i],
      grad: 0,
      weightGrad: 0,
    }));
    await this.rowMeasures.readPairs(layers);
    let backward: number[] = [];
    if (job.backward) {
      const b = this.buffers.backward!;
      const gradWords = await readWords(this.gpu, b.gradState, b.gradStateReadback);
      const gradStates = layers.map((_, i) => decodeState(gradWords, i, BACKWARD_SLOTS));
      const inputScales = [inputExponent, ...exponents];
      const blocks = job.place.last ? await this.readBlocks(job) : null;
      addGradientsAtTrueScale(layers, gradStates, scales, inputScales, weightExponents, blocks);
      backward = gradStates.map((s) => s.exponent);
    }
    await this.rowMeasures.readCapture(job, exponents);
    return { layers, exponents: { forward: states.map((s) => s.exponent), backward }, scales };
  }

  /** Per layer, the merged GPU partials of the ∂L/∂W blocks this pass computed (null for a layer with none). */
  private async readBlocks(job: ChunkJob): Promise<(Partial[] | null)[]> {
    const b = this.buffers.backward!;
    const words = await readWords(this.gpu, b.blockStates, b.blockStatesReadback);
    const floats = new Float32Array(words.buffer);
    return this.layout.blocks.map((layerBlocks) => {
      const mine = layerBlocks.filter((block) => block.global >= job.pass.first && block.global < job.pass.end);
      if (!mine.length) return null;
      return mine.map(({ global }) => {
        const base = global * BLOCK_STATE_WORDS;
        return { count: words[base], mean: floats[base + 1], m2: floats[base + 2] };
      });
    });
  }
}
