/**
 * A history entry of the float64 trainer, as src/lab/training.ts defines it: the loss and accuracy over the whole
 * train and test sets (run forward in chunks of rows, so memory stays bounded whatever the set's size — but in one
 * chunk under BatchNorm, which normalizes the whole set as one batch), the moments of every layer's Z_l over the
 * training set (Welford, element by element in row order) with the coordinate check's sizes (mean |Z_l|, mean |H_l|
 * and, given the initial network, |Z_l − Z_l(0)| on the same rows), a residual block's stream x_{l+1} and branch α·Z_{l,2}, the mean square
 * of the gradient the next update uses, and the last update's ratios. A layer is a matrix architecture.ts reports.
 */
import type { BoundActivation } from '../lab/activations';
import { isReported } from '../lab/architecture';
import type { DataSplit } from '../lab/datasets';
import { emptyPartial, type Partial, pushValue, toMoments } from '../lab/stats';
import type { TrainHistoryEntry, TrainLayerRecord } from '../lab/training';
import type { Gradients } from './trainBackward';
import { forward, lossSum, lossTerms, type Network, type Pace, type ReadoutShape } from './trainNetwork';

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

/** Per layer, what an evaluation of the train set accumulates: Z, |Z|, |H|, |Z − Z₀|, Z − Z₀, a block's stream and branch. */
interface LayerAccumulators {
  pre: Partial;
  absPre: Partial;
  absPost: Partial;
  absDelta: Partial;
  delta: Partial;
  stream: Partial;
  branch: Partial;
}

const accumulators = (): LayerAccumulators => ({
  pre: emptyPartial(),
  absPre: emptyPartial(),
  absPost: emptyPartial(),
  absDelta: emptyPartial(),
  delta: emptyPartial(),
  stream: emptyPartial(),
  branch: emptyPartial(),
});

/** The indices of the matrices that are layers of the history (architecture.ts's isReported), the readout last. */
const reportedIndices = (net: Network) => net.matrices.flatMap((m, k) => (isReported(m) ? [k] : []));

/**
 * The mean loss and the accuracy over a whole set; with `layers`, pushes every layer's figures into them (φ on the
 * hidden layers; the readout's |φ(Z)| is left empty), and with `initial` too, each Z's change from the initial
 * network's on the same chunk.
 */
export async function evaluateSet(
  net: Network,
  activation: BoundActivation,
  split: DataSplit,
  shape: ReadoutShape,
  pace: Pace,
  layers?: LayerAccumulators[],
  initial?: Network | null,
): Promise<{ loss: number; accuracy: number | null }> {
  const dim = net.matrices[0].fanIn;
  const perRow = shape.classes ? 1 : shape.outputs;
  const widest = Math.max(...net.matrices.map((m) => Math.max(m.fanIn, m.fanOut)));
  const whole = net.architecture.norm === 'batch';
  const chunk = whole ? split.rows : Math.max(1, Math.floor(CHUNK_ELEMENTS / widest));
  const reported = reportedIndices(net);
  let loss = 0;
  let correct = 0;
  for (let first = 0; first < split.rows; first += chunk) {
    const rows = sliceRows(split, first, Math.min(split.rows, first + chunk), dim, perRow);
    const trace = await forward(net, activation, rows.x, rows.rows, pace);
    const start = initial && layers ? await forward(initial, activation, rows.x, rows.rows, pace) : null;
    reported.forEach((k, l) => {
      const a = layers?.[l];
      if (!a) return;
      const z = trace.pre[k];
      // H_l is what the next matrix reads: φ(N(Z_l)) in a plain network, φ(Z_l) inside a residual block.
      const post = k < trace.pre.length - 1 ? trace.inputs[k + 1] : null;
      const stream = net.architecture.kind === 'residual' && post ? trace.streams[l + 1] : null;
      // The branch is α·Z_{l,2}, the product of the matrix after the block's first.
      const branch = stream ? trace.pre[k + 1] : null;
      for (let e = 0; e < z.length; e++) {
        pushValue(a.pre, z[e]);
        pushValue(a.absPre, Math.abs(z[e]));
        if (post) pushValue(a.absPost, Math.abs(post[e]));
        if (stream) pushValue(a.stream, stream[e]);
        if (branch) pushValue(a.branch, net.alpha * branch[e]);
        if (!start) continue;
        const d = z[e] - start.pre[k][e];
        pushValue(a.absDelta, Math.abs(d));
        pushValue(a.delta, d);
      }
    });
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
  initial: Network | null = null,
): Promise<TrainHistoryEntry> {
  const reported = reportedIndices(net);
  const layers = reported.map(accumulators);
  const train = await evaluateSet(net, activation, sets.train, shape, pace, layers, initial);
  const test = await evaluateSet(net, activation, sets.test, shape, pace);
  return {
    step,
    trainLoss: train.loss,
    trainAccuracy: train.accuracy,
    testLoss: test.loss,
    testAccuracy: test.accuracy,
    layers: layers.map((a, l) => {
      const size = (p: Partial) => ({ meanAbs: toMoments(p).mean, meanSq: toMoments(p).meanSq });
      const record: TrainLayerRecord = {
        layer: l + 1,
        pre: { ...toMoments(a.pre), meanAbs: toMoments(a.absPre).mean },
        post: l < layers.length - 1 ? size(a.absPost) : null,
        weightGrad: { meanSq: meanSquare(gradients.weights[reported[l]]) },
        updateRatio: updateRatios[reported[l]],
        flags: [],
      };
      if (a.stream.count) record.stream = toMoments(a.stream);
      if (a.branch.count) record.branch = toMoments(a.branch);
      if (initial) record.delta = { meanAbs: toMoments(a.absDelta).mean, meanSq: toMoments(a.delta).meanSq };
      return record;
    }),
  };
}
