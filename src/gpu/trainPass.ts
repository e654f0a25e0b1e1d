/**
 * The steps of training on the GPU, for one series' network over `rows` rows already in the input buffer: forward
 * through every layer (keeping each Z), the loss and its gradient, the backward pass to every layer's ∂L/∂W and ∂L/∂b,
 * and the optimizer's update of every parameter — all queued without waiting, so a run of steps goes to the GPU
 * whole. What is measured (an evaluation's statistics, a step's gradients and update) is merged into small states.
 */
import { stridedGroups, tilesAlong } from './geometry';
import type { SeriesParameters, TrainBuffers } from './trainBuffers';
import type { TrainKernels } from './trainKernels';
import type { TrainNetwork } from './trainModel';

export class TrainPass {
  constructor(
    private readonly k: TrainKernels,
    private readonly b: TrainBuffers,
    private readonly net: TrainNetwork,
  ) {}

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
  loss(
    params: SeriesParameters,
    answers: GPUBuffer,
    first: number,
    rows: number,
    slot: number | null,
    gradient: boolean,
    step: number,
  ): void {
    const { k, b, net } = this;
    const outputs = net.widths[this.layers];
    const scale = net.classification ? 1 / rows : 1 / (rows * outputs);
    k.loss.run(
      {
        logits: b.trace[this.layers - 1],
        labels: net.classification ? answers : b.unused,
        targets: net.classification ? b.unused : answers,
        delta: b.deltas[this.layers % 2],
        partials: b.partials,
        diverged: params.diverged,
      },
      { rows, outputs, first, classification: net.classification, scale: gradient ? scale : null, step },
    );
    if (slot === null) return;
    k.merge.merge(b.partials, b.lossState, {
      partialCount: Math.ceil(rows / 64),
      target: { layer: slot, slots: 'both' },
      exponent: 'none',
      accumulate: true,
    });
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

  /** Update `step` (1-based) of every parameter; with `measure`, each W's Δ and prior value into the update stats. */
  update(params: SeriesParameters, step: number, measure: boolean): void {
    const { k, b, net } = this;
    for (let l = 1; l <= this.layers; l++) {
      const count = net.widths[l - 1] * net.widths[l];
      const groups = stridedGroups(count, net.emulated);
      const [first, second] = params.weightState[l - 1];
      k.optimizer.update(
        {
          values: params.weights[l - 1],
          grads: params.weightGrads[l - 1],
          first,
          second,
          partials: b.partials,
          diverged: params.diverged,
        },
        net.optimizers[l - 1].weights,
        count,
        step,
        measure,
        groups,
      );
      if (measure) {
        k.merge.merge(b.partials, b.updateStats, {
          partialCount: groups,
          target: { layer: l - 1, slots: 'both' },
          exponent: 'none',
        });
      }
      const [biasFirst, biasSecond] = params.biasState[l - 1];
      k.optimizer.update(
        {
          values: params.biases[l - 1],
          grads: params.biasGrads[l - 1],
          first: biasFirst,
          second: biasSecond,
          partials: b.partials,
          diverged: params.diverged,
        },
        net.optimizers[l - 1].biases,
        net.widths[l],
        step,
        false,
        stridedGroups(net.widths[l], net.emulated),
      );
    }
  }
}
