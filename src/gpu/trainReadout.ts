/**
 * The readout of a network the network pass computes (networkPass.ts), as training appends it (training.ts): Z =
 * φ(v_top)·W + b, with v_top = N(Z_L) or Z_L (plain), N(x_{L+1}) or x_{L+1} (residual) — the layer kernel with φ on
 * load — and back: ∂L/∂W and ∂L/∂b of the readout from its δ, and ∂L/∂v_top = (δ·Wᵀ) ⊙ φ'(v_top), where the
 * pass's backward begins. The readout is layer depth + 1 of the history: state slot `depth`.
 */
import { tilesAlong } from './geometry';
import type { PassNetwork } from './networkPass';
import type { SeriesParameters } from './trainBuffers';
import type { TrainKernels } from './trainKernels';

/** The readout's W and b: the series' last matrix. */
type ReadoutParameters = Pick<SeriesParameters, 'weights' | 'biases'>;
const last = <T>(list: T[]) => list[list.length - 1];

export class TrainReadout {
  constructor(
    private readonly k: Pick<TrainKernels, 'layer' | 'merge' | 'weightGradient' | 'backwardLayer' | 'columnSums'>,
    private readonly body: PassNetwork,
    private readonly outputs: number,
  ) {}

  /** The kernels' view of the readout: fan-in the width, φ on its input, its slot `depth`. */
  private get shape() {
    const { body } = this;
    const { activationId, slope } = body;
    return { fanIn: body.width, fanOut: this.outputs, activationId, slope, layer: body.depth, activateInput: true };
  }

  /**
   * Z of `rows` rows from `top` into `output`, its range flags into `layerState` (slot depth); with `measured`, its
   * moments too (the state an evaluation reads).
   */
  forward(
    params: ReadoutParameters,
    top: GPUBuffer,
    rows: number,
    into: { output: GPUBuffer; partials: GPUBuffer; layerState: GPUBuffer },
    measured: boolean,
  ): void {
    const { weights, biases } = { weights: last(params.weights), biases: last(params.biases) };
    this.k.layer.slab({ input: top, weights, biases, ...into }, { rows, ...this.shape }, 0, rows, 0, this.outputs);
    if (!measured) return;
    this.k.merge.merge(into.partials, into.layerState, {
      partialCount: tilesAlong(rows) * tilesAlong(this.outputs),
      target: { layer: this.body.depth, slots: 'both' },
      exponent: 'none',
    });
  }

  /**
   * From the readout's δ ([rows × outputs]) of a minibatch whose v_top is `top`: its ∂L/∂W and ∂L/∂b into the
   * series' gradient buffers, and ∂L/∂v_top into `topGradient`. With `measured`, ∂L/∂W's moments into slot B of
   * `gradState`'s slot depth (its flags go there either way).
   */
  backward(
    params: SeriesParameters,
    top: GPUBuffer,
    rows: number,
    buffers: { delta: GPUBuffer; topGradient: GPUBuffer; partials: GPUBuffer; gradState: GPUBuffer },
    measured: boolean,
  ): void {
    const { k, body, outputs } = this;
    const { delta, partials, gradState } = buffers;
    const sum = last(params.weightGrads);
    const step = { rows, ...this.shape, add: false, store: true, reduce: measured };
    k.weightGradient.slab({ input: top, delta, sum, partials, gradState }, step, 0, body.width, 0);
    if (measured) {
      k.merge.merge(partials, gradState, {
        partialCount: tilesAlong(body.width) * tilesAlong(outputs),
        target: { layer: body.depth, slots: 'b' },
        exponent: 'none',
      });
    }
    k.columnSums.run(delta, last(params.biasGrads), rows, outputs);
    const upstream = { upstream: delta, weights: last(params.weights), pre: top, delta: buffers.topGradient };
    const { fanIn, fanOut, activationId, layer, slope } = this.shape;
    k.backwardLayer.slab(
      { ...upstream, partials, gradState },
      { rows, fanIn, fanOut, activationId, layer, slope },
      0,
      rows,
      0,
      body.width,
    );
  }
}
