/**
 * The float64 trainer's backward pass (trainNetwork.ts gives the forward): from δ at the readout to every weight's and
 * bias's gradient. With δ_k = ∂L/∂Z_k for matrix k (Z_k = c_k·A_k·W_k + b_k):
 *   ∂L/∂W_k = c_k·A_kᵀ·δ_k,   ∂L/∂b_k = Σ_rows δ_k,   ∂L/∂A_k = c_k·δ_k·W_kᵀ,
 * and ∂L/∂A_k reaches what made A_k through φ and N: plain, δ_{k−1} = J_Nᵀ·(∂L/∂A_k ⊙ φ'(N(Z_{k−1}))); residual, with
 * s = ∂L/∂x_{l+1} (from the readout through φ(N(x_{L+1}))), δ of W_{l,2} is α·s, δ of W_{l,1} is
 * ∂L/∂A ⊙ φ'(Z_{l,1}), and ∂L/∂x_l = s + J_Nᵀ·(∂L/∂A_{l,1} ⊙ φ'(N(x_l))); the projection's δ is ∂L/∂x_1.
 * J_Nᵀ is normalization.ts's backward, the identity without normalization.
 */
import type { BoundActivation } from '../lab/activations';
import type { DataSplit } from '../lab/datasets';
import { type Normalized, normalizeBackward } from '../lab/normalization';
import { transposedRows, weightGradientRows } from './backward';
import {
  forward,
  inBlocks,
  lossSum,
  lossTerms,
  type Network,
  type Pace,
  progressLayer,
  type ReadoutShape,
  readoutGradient,
  type Trace,
} from './trainNetwork';

/** ∂L/∂W_k and ∂L/∂b_k, shaped as the network's parameters. */
export interface Gradients {
  weights: Float64Array[];
  biases: Float64Array[];
}

/** Multiplies `values` by c in place unless c is 1. */
function scaleBy(values: Float64Array, c: number): void {
  if (c !== 1) for (let e = 0; e < values.length; e++) values[e] *= c;
}

/** Matrix k's gradients from its δ, into `gradients`; returns c_k·δ_k·W_kᵀ, what its input receives (null for k = 0). */
async function throughMatrix(
  net: Network,
  k: number,
  trace: Trace,
  delta: Float64Array,
  rows: number,
  pace: Pace,
  gradients: Gradients,
): Promise<Float64Array | null> {
  const { fanIn, fanOut } = net.matrices[k];
  const layer = progressLayer(net.matrices[k]);
  const gw = new Float64Array(fanIn * fanOut);
  await inBlocks(rows, fanIn * fanOut, layer, pace, (first, last) =>
    weightGradientRows(trace.inputs[k], delta, gw, first, last, fanIn, fanOut),
  );
  scaleBy(gw, net.multipliers[k]);
  const gb = new Float64Array(fanOut);
  for (let r = 0; r < rows; r++) for (let j = 0; j < fanOut; j++) gb[j] += delta[r * fanOut + j];
  gradients.weights[k] = gw;
  gradients.biases[k] = gb;
  if (k === 0) return null;
  const upstream = new Float64Array(rows * fanIn);
  await inBlocks(rows, fanIn * fanOut, layer, pace, (first, last) =>
    transposedRows(delta, net.weights[k], upstream, first, last, fanIn, fanOut),
  );
  return upstream;
}

/** c·upstream ⊙ φ'(below), or J_Nᵀ of it with φ' at N(below) when a normalization made φ's input. */
function throughActivation(
  net: Network,
  activation: BoundActivation,
  upstream: Float64Array,
  below: Float64Array,
  normalized: Normalized | null,
  c: number,
  rows: number,
  units: number,
): Float64Array {
  const { norm } = net.architecture;
  if (!normalized || norm === 'none') return upstream.map((g, e) => c * g * activation.df(below[e]));
  const slope = normalized.values.map(activation.df);
  return normalizeBackward(
    norm,
    normalized,
    upstream.map((g, e) => c * g * slope[e]),
    rows,
    units,
  );
}

/** Back-propagates δ at the readout through the traced network to every parameter's gradient. */
export async function backward(
  net: Network,
  activation: BoundActivation,
  trace: Trace,
  readoutDelta: Float64Array,
  rows: number,
  pace: Pace,
): Promise<Gradients> {
  const count = net.matrices.length;
  const gradients: Gradients = { weights: new Array(count), biases: new Array(count) };
  const c = net.multipliers;
  let upstream = await throughMatrix(net, count - 1, trace, readoutDelta, rows, pace, gradients);
  if (net.architecture.kind === 'plain') {
    for (let k = count - 2; k >= 0; k--) {
      const units = net.matrices[k].fanOut;
      const delta = throughActivation(
        net,
        activation,
        upstream!,
        trace.pre[k],
        trace.normalized[k + 1],
        c[k + 1],
        rows,
        units,
      );
      upstream = await throughMatrix(net, k, trace, delta, rows, pace, gradients);
    }
    return gradients;
  }
  const units = net.matrices[0].fanOut;
  const last = trace.streams.length - 1;
  let stream = throughActivation(
    net,
    activation,
    upstream!,
    trace.streams[last],
    trace.normalized[count - 1],
    c[count - 1],
    rows,
    units,
  );
  for (let k = count - 3, l = last - 1; k >= 1; k -= 2, l--) {
    const hidden = await throughMatrix(
      net,
      k + 1,
      trace,
      stream.map((s) => net.alpha * s),
      rows,
      pace,
      gradients,
    );
    const delta = throughActivation(net, activation, hidden!, trace.pre[k], null, c[k + 1], rows, units);
    const input = await throughMatrix(net, k, trace, delta, rows, pace, gradients);
    const toStream = throughActivation(
      net,
      activation,
      input!,
      trace.streams[l],
      trace.normalized[k],
      c[k],
      rows,
      units,
    );
    stream = stream.map((s, e) => s + toStream[e]);
  }
  await throughMatrix(net, 0, trace, stream, rows, pace, gradients);
  return gradients;
}

/** The mean loss of a minibatch and its gradient with respect to every parameter. */
export async function minibatchGradient(
  net: Network,
  activation: BoundActivation,
  batch: DataSplit,
  shape: ReadoutShape,
  pace: Pace,
): Promise<{ loss: number; gradients: Gradients }> {
  const trace = await forward(net, activation, batch.x, batch.rows, pace);
  const z = trace.pre[trace.pre.length - 1];
  const loss = lossSum(z, batch, shape).loss / lossTerms(batch.rows, shape);
  const delta = readoutGradient(z, batch, shape);
  return { loss, gradients: await backward(net, activation, trace, delta, batch.rows, pace) };
}
