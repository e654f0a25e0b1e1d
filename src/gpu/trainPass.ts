/**
 * The steps of training the plain MLP on the GPU, for one series' network over `rows` rows already in the input
 * buffer: forward through every layer (keeping each Z), the loss and its gradient, and the backward pass to every
 * layer's ∂L/∂W and ∂L/∂b (trainUpdate.ts updates them) — all queued without waiting, so a run of steps goes to the
 * GPU whole. What is measured (an evaluation's statistics, a step's gradients) is merged into small states.
 */
import type { Dataset } from '../lab/datasets';
import type { ForwardValues } from '../lab/training';
import { type GpuContext, readValues } from './device';
import { stridedGroups, tilesAlong } from './geometry';
import type { SeriesParameters, TrainBuffers } from './trainBuffers';
import type { TrainKernels } from './trainKernels';
import { queueLoss } from './trainLoss';
import type { TrainNetwork } from './trainModel';
import type { InitialParameters, TrainRoute } from './trainRoute';

export class TrainPass implements TrainRoute {
  constructor(
    private readonly gpu: GpuContext,
    private readonly k: TrainKernels,
    private readonly b: TrainBuffers,
    private readonly net: TrainNetwork,
    private readonly data: Dataset,
  ) {}

  get batchInput(): GPUBuffer {
    return this.b.input;
  }

  gradient(params: SeriesParameters, rows: number, step: number, measure: boolean): void {
    this.forward(params, rows, false);
    this.loss(params, this.b.batchAnswers, 0, rows, null, true, step);
    this.backward(params, rows, measure);
  }

  /** Each set in chunks of as many rows as the buffers hold, its statistics accumulated over the chunks. */
  evaluateSets(params: SeriesParameters, initial: InitialParameters | null, step: number): void {
    const { b, data } = this;
    for (const [set, x, y, slot] of [
      [data.train, b.trainX, b.trainY, 0],
      [data.test, b.testX, b.testY, 1],
    ] as const) {
      for (let first = 0; first < set.rows; first += b.rows) {
        const rows = Math.min(b.rows, set.rows - first);
        this.copyRows(x, first, rows);
        const train = slot === 0;
        if (train && initial) this.forward(initial, rows, false, b.initialTrace, b.scratchState);
        this.forward(params, rows, train);
        if (train) this.coordinates(rows, initial !== null);
        this.loss(params, y, first, rows, slot, false, step);
      }
    }
  }

  /** Rows first … first + rows − 1 of a dataset's x into the input buffer. */
  private copyRows(x: GPUBuffer, first: number, rows: number): void {
    const bytes = 4 * this.data.dim;
    const encoder = this.gpu.device.createCommandEncoder();
    encoder.copyBufferToBuffer(x, first * bytes, this.b.input, 0, rows * bytes);
    this.gpu.device.queue.submit([encoder.finish()]);
  }

  async outputs(params: SeriesParameters, points: Float64Array, withLayers: boolean): Promise<ForwardValues> {
    const { b, net } = this;
    const count = points.length / this.data.dim;
    const outputs = new Float64Array(count * net.widths[net.widths.length - 1]);
    const pre = withLayers ? net.widths.slice(1).map((n) => new Float64Array(count * n)) : [];
    for (let first = 0; first < count; first += b.rows) {
      const rows = Math.min(b.rows, count - first);
      const chunk = points.subarray(first * this.data.dim, (first + rows) * this.data.dim);
      this.gpu.device.queue.writeBuffer(b.input, 0, Float32Array.from(chunk));
      this.forward(params, rows, false);
      const last = this.layers - 1;
      const layers = await Promise.all(
        net.widths
          .slice(1)
          .map((n, l) => (withLayers || l === last ? readValues(this.gpu, b.trace[l], rows * n) : null)),
      );
      layers.forEach((values, l) => {
        if (!values) return;
        const n = net.widths[l + 1];
        if (withLayers) pre[l].set(values, first * n);
        if (l === last) outputs.set(values, first * n);
      });
    }
    return { outputs, pre };
  }

  destroy(): void {
    this.b.destroy();
  }

  private get layers(): number {
    return this.net.widths.length - 1;
  }

  /** Layer l's shape and φ as its product kernels read them (its input is φ(Z_{l−1}) above the first layer). */
  private shape(l: number) {
    const { net } = this;
    return {
      fanIn: net.widths[l - 1],
      fanOut: net.widths[l],
      activationId: net.activationId,
      activateInput: l > 1,
      layer: l - 1,
      slope: net.slope,
    };
  }

  /**
   * Z_l of every layer into `trace`; with `measure`, Z_l's moments are added to the evaluation state. `state` takes
   * the layer kernels' range flags: the initial network's pass keeps them out of the evaluation's.
   */
  forward(
    params: Pick<SeriesParameters, 'weights' | 'biases'>,
    rows: number,
    measure: boolean,
    trace = this.b.trace,
    state = this.b.evalState,
  ): void {
    const { k, b } = this;
    for (let l = 1; l <= this.layers; l++) {
      const step = { rows, ...this.shape(l) };
      const { fanOut } = step;
      k.layer.slab(
        {
          input: l === 1 ? b.input : trace[l - 2],
          weights: params.weights[l - 1],
          biases: params.biases[l - 1],
          output: trace[l - 1],
          partials: b.partials,
          layerState: state,
        },
        step,
        0,
        rows,
        0,
        fanOut,
      );
      if (measure) {
        k.merge.merge(b.partials, b.evalState, {
          partialCount: tilesAlong(rows) * tilesAlong(fanOut),
          target: { layer: l - 1, slots: 'both' },
          exponent: 'none',
          accumulate: true,
        });
      }
    }
  }

  /**
   * The coordinate sizes of every layer's Z and φ(Z) on the rows in the trace, added to the coordinate state; with
   * `delta`, those of Z − Z₀ against the initial network's trace too.
   */
  coordinates(rows: number, delta: boolean): void {
    const { k, b, net } = this;
    for (let l = 1; l <= this.layers; l++) {
      const count = rows * net.widths[l];
      const groups = stridedGroups(count, net.emulated);
      const values = b.trace[l - 1];
      k.coordinates.measure(
        {
          values,
          initial: delta ? b.initialTrace[l - 1] : values,
          partials: b.coordPartials,
          deltaPartials: b.deltaPartials,
        },
        { count, activation: l < this.layers ? { id: net.activationId, slope: net.slope } : null, delta, groups },
      );
      const merge = (partials: GPUBuffer, state: GPUBuffer) =>
        k.merge.merge(partials, state, {
          partialCount: groups,
          target: { layer: l - 1, slots: 'both' },
          exponent: 'none',
          accumulate: true,
        });
      merge(b.coordPartials, b.coordState);
      if (delta) merge(b.deltaPartials, b.deltaState);
    }
  }

  /**
   * The readout's loss on rows first … first + rows − 1 of a set (its labels or targets in `answers`), added to the
   * loss state's `slot` (0: train, 1: test); with `gradient`, δ of the readout for a minibatch's mean loss.
   */
  private loss(
    params: SeriesParameters,
    answers: GPUBuffer,
    first: number,
    rows: number,
    slot: number | null,
    gradient: boolean,
    step: number,
  ): void {
    const { b } = this;
    const rowsOf = { logits: b.trace[this.layers - 1], answers, first, rows, slot, delta: b.deltas[this.layers % 2] };
    queueLoss(this.k, b, this.net, params, { ...rowsOf, gradient }, step);
  }

  /** Every layer's ∂L/∂W and ∂L/∂b from the readout's δ; with `measure`, ∂L/∂W's moments into slot B of the gradient stats. */
  backward(params: SeriesParameters, rows: number, measure: boolean): void {
    const { k, b, net } = this;
    for (let l = this.layers; l >= 1; l--) {
      const [fanIn, fanOut] = [net.widths[l - 1], net.widths[l]];
      const delta = b.deltas[l % 2];
      k.weightGradient.slab(
        {
          input: l === 1 ? b.input : b.trace[l - 2],
          delta,
          sum: params.weightGrads[l - 1],
          partials: b.partials,
          gradState: b.gradStats,
        },
        { rows, ...this.shape(l), add: false, store: true, reduce: measure },
        0,
        fanIn,
        0,
      );
      if (measure) {
        k.merge.merge(b.partials, b.gradStats, {
          partialCount: tilesAlong(fanIn) * tilesAlong(fanOut),
          target: { layer: l - 1, slots: 'b' },
          exponent: 'none',
        });
      }
      k.columnSums.run(delta, params.biasGrads[l - 1], rows, fanOut);
      if (l === 1) continue;
      k.backwardLayer.slab(
        {
          upstream: delta,
          weights: params.weights[l - 1],
          pre: b.trace[l - 2],
          delta: b.deltas[(l - 1) % 2],
          partials: b.partials,
          gradState: b.gradStats,
        },
        { rows, fanIn, fanOut, activationId: net.activationId, layer: l - 1, slope: net.slope },
        0,
        rows,
        0,
        fanIn,
      );
    }
  }
}
