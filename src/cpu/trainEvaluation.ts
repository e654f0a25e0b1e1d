/**
 * A history entry of the float64 trainer, as src/lab/training.ts defines it: the loss and accuracy over the whole
 * train and test sets (run forward in chunks of rows, so memory stays bounded whatever the set's size), the moments of
 * every Z_l over the training set (Welford, element by element in row order), the mean square of the gradient the next
 * update uses, and the last update's ratios.
 */
import type { BoundActivation } from '../lab/activations';
import type { DataSplit } from '../lab/datasets';
import { emptyPartial, type Partial, pushValue, toMoments } from '../lab/stats';
import type { TrainHistoryEntry } from '../lab/training';
import {
  forward,
  type Gradients,
  lossSum,
  lossTerms,
  type Network,
  type Pace,
  type ReadoutShape,
} from './trainNetwork';

/** A set runs forward in chunks of about this many elements per layer. */
const CHUNK_ELEMENTS = 2 ** 20;

/** Rows [first, last) of a split. */
function sliceRows(split: DataSplit, first: number, last: number, dim: number, perRow: number): DataSplit {
  return {
    x: split.x.subarray(first * dim, last * dim),
    y: split.y.subarray(first * perRow, last * perRow),
    rows: last - first,
  };
}

/** The mean loss and the accuracy over a whole set; pushes every Z_l into `moments` when given. */
export async function evaluateSet(
  net: Network,
  activation: BoundActivation,
  split: DataSplit,
  shape: ReadoutShape,
  pace: Pace,
  moments?: Partial[],
): Promise<{ loss: number; accuracy: number | null }> {
  const dim = net.widths[0];
  const perRow = shape.classes ? 1 : shape.outputs;
  const chunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / Math.max(...net.widths)));
  let loss = 0;
  let correct = 0;
  for (let first = 0; first < split.rows; first += chunk) {
    const rows = sliceRows(split, first, Math.min(split.rows, first + chunk), dim, perRow);
    const trace = await forward(net, activation, rows.x, rows.rows, pace);
    if (moments) {
      trace.pre.forEach((z, l) => {
        for (const value of z) pushValue(moments[l], value);
      });
    }
    const sum = lossSum(trace.pre[trace.pre.length - 1], rows, shape);
    loss += sum.loss;
    correct += sum.correct;
  }
  return {
    loss: loss / lossTerms(split.rows, shape),
    accuracy: shape.classes ? correct / split.rows : null,
  };
}

function meanSquare(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v * v;
  return sum / values.length;
}

/** The entry at `step`: the network now, `gradients` of minibatch `step`, `updateRatios` of update `step`. */
export async function historyEntry(
  step: number,
  net: Network,
  activation: BoundActivation,
  sets: { train: DataSplit; test: DataSplit },
  shape: ReadoutShape,
  gradients: Gradients,
  updateRatios: (number | null)[],
  pace: Pace,
): Promise<TrainHistoryEntry> {
  const moments = net.weights.map(() => emptyPartial());
  const train = await evaluateSet(net, activation, sets.train, shape, pace, moments);
  const test = await evaluateSet(net, activation, sets.test, shape, pace);
  return {
    step,
    trainLoss: train.loss,
    trainAccuracy: train.accuracy,
    testLoss: test.loss,
    testAccuracy: test.accuracy,
    layers: moments.map((m, l) => ({
      layer: l + 1,
      pre: toMoments(m),
      weightGrad: { meanSq: meanSquare(gradients.weights[l]) },
      updateRatio: updateRatios[l],
    })),
  };
}

/** Every figure of the entry is a finite number (null where the contract allows it): else the series diverged. */
export function entryIsFinite(entry: TrainHistoryEntry): boolean {
  const figures = [
    entry.trainLoss,
    entry.testLoss,
    entry.trainAccuracy ?? 0,
    entry.testAccuracy ?? 0,
    ...entry.layers.flatMap((l) => [l.pre.mean, l.pre.var, l.pre.meanSq, l.weightGrad.meanSq, l.updateRatio ?? 0]),
  ];
  return figures.every(Number.isFinite);
}
