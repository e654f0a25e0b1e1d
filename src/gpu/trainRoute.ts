/**
 * How a training session's network goes forward and back on the GPU: the plain MLP through the trainer's own layers
 * (trainPass.ts), every other architecture through the network pass (trainNetworkPass.ts). The session (gpuTrainer.ts)
 * gathers minibatches, runs the optimizer (trainUpdate.ts) and reads the evaluations back; a route fills the
 * evaluation states in trainBuffers.ts's layout.
 */
import type { ForwardValues } from '../lab/training';
import type { SeriesParameters } from './trainBuffers';

/** A series' initial W and b, kept for the coordinate check's Z − Z₀. */
export type InitialParameters = Pick<SeriesParameters, 'weights' | 'biases'>;

export interface TrainRoute {
  /** Where a minibatch's rows are gathered, [batch × n_0]. */
  readonly batchInput: GPUBuffer;
  /**
   * The mean loss's gradient of the minibatch in batchInput at `params` into its gradient buffers: forward, loss,
   * backward. With `measure`, each layer's ∂L/∂W statistics into the gradient stats.
   */
  gradient(params: SeriesParameters, rows: number, step: number, measure: boolean): void;
  /**
   * Both sets forward at `params` into the evaluation states (cleared before): the train set's loss, accuracy and
   * every layer's figures (with `initial`, Z − Z₀ too), the test set's loss and accuracy.
   */
  evaluateSets(params: SeriesParameters, initial: InitialParameters | null, step: number): void;
  /** The network at `params` on `points` ([count × n_0]): the readout, and each layer's Z when asked. */
  outputs(params: SeriesParameters, points: Float64Array, withLayers: boolean): Promise<ForwardValues>;
  destroy(): void;
}
