/**
 * The readout's loss on the GPU, for both routes (trainRoute.ts): PyTorch's cross-entropy or mean squared error of
 * rows of a set, added to the loss state, and with a minibatch the gradient δ of its mean loss at the readout.
 */
import type { SeriesParameters, TrainBuffers } from './trainBuffers';
import type { TrainKernels } from './trainKernels';
import type { TrainNetwork } from './trainModel';

export interface LossRows {
  /** The readout's Z of the rows, [rows × outputs]. */
  logits: GPUBuffer;
  /** The rows' labels or targets, from row `first` on. */
  answers: GPUBuffer;
  first: number;
  rows: number;
  /** The loss state's slot the loss and accuracy go to (0: train, 1: test); null: none. */
  slot: number | null;
  /** Where δ of the minibatch's mean loss goes, with `gradient` (bound either way). */
  delta: GPUBuffer;
  gradient: boolean;
}

/** The loss of `r`'s rows (and δ with `gradient`) at update `step`, marking `params` diverged on a non-finite loss. */
export function queueLoss(
  k: Pick<TrainKernels, 'loss' | 'merge'>,
  b: Pick<TrainBuffers, 'unused' | 'partials' | 'lossState'>,
  net: Pick<TrainNetwork, 'widths' | 'classification'>,
  params: SeriesParameters,
  r: LossRows,
  step: number,
): void {
  const outputs = net.widths[net.widths.length - 1];
  const scale = net.classification ? 1 / r.rows : 1 / (r.rows * outputs);
  k.loss.run(
    {
      logits: r.logits,
      labels: net.classification ? r.answers : b.unused,
      targets: net.classification ? b.unused : r.answers,
      delta: r.delta,
      partials: b.partials,
      diverged: params.diverged,
    },
    {
      rows: r.rows,
      outputs,
      first: r.first,
      classification: net.classification,
      scale: r.gradient ? scale : null,
      step,
    },
  );
  if (r.slot === null) return;
  k.merge.merge(b.partials, b.lossState, {
    partialCount: Math.ceil(r.rows / 64),
    target: { layer: r.slot, slots: 'both' },
    exponent: 'none',
    accumulate: true,
  });
}
