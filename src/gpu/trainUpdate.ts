/**
 * The optimizer's update of every trained matrix's W and b on the GPU, whatever the architecture: queued without
 * waiting, each matrix with its own folded optimizer (trainModel.ts). A reported matrix (architecture.ts's
 * isReported: a layer of the history) measures its Δ and its W before the update into its layer's update statistics.
 */
import { isReported } from '../lab/architecture';
import { stridedGroups } from './geometry';
import type { SeriesParameters, TrainBuffers } from './trainBuffers';
import type { TrainKernels } from './trainKernels';
import type { TrainNetwork } from './trainModel';

/** Update `step` (1-based) of every parameter; with `measure`, each reported W's Δ and prior value into the update stats. */
export function updateParameters(
  k: Pick<TrainKernels, 'optimizer' | 'merge'>,
  b: Pick<TrainBuffers, 'partials' | 'updateStats'>,
  net: TrainNetwork,
  params: SeriesParameters,
  step: number,
  measure: boolean,
): void {
  net.matrices.forEach((m, i) => {
    const count = m.fanIn * m.fanOut;
    const groups = stridedGroups(count, net.emulated);
    const reported = measure && isReported(m);
    const [first, second] = params.weightState[i];
    k.optimizer.update(
      {
        values: params.weights[i],
        grads: params.weightGrads[i],
        first,
        second,
        partials: b.partials,
        diverged: params.diverged,
      },
      net.optimizers[i].weights,
      count,
      step,
      reported,
      groups,
    );
    if (reported) {
      k.merge.merge(b.partials, b.updateStats, {
        partialCount: groups,
        target: { layer: m.layer - 1, slots: 'both' },
        exponent: 'none',
      });
    }
    const [biasFirst, biasSecond] = params.biasState[i];
    k.optimizer.update(
      {
        values: params.biases[i],
        grads: params.biasGrads[i],
        first: biasFirst,
        second: biasSecond,
        partials: b.partials,
        diverged: params.diverged,
      },
      net.optimizers[i].biases,
      m.fanOut,
      step,
      false,
      stridedGroups(m.fanOut, net.emulated),
    );
  });
}
