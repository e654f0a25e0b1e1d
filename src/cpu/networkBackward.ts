/**
 * The backward probe of one trial in float64, for every architecture (src/lab/architecture.ts; backward.ts gives the
 * probe L and g): with δ_l = ∂L/∂Z_l,
 *   plain:    δ_l = J_Nᵀ·(∂L/∂H_l ⊙ φ'(N(Z_l))),  ∂L/∂W_l = H_{l−1}ᵀ·δ_l,  ∂L/∂H_{l−1} = δ_l·W_lᵀ
 *             (without normalization δ_l = ∂L/∂H_l ⊙ φ'(Z_l), as it always was);
 *   residual: s = ∂L/∂x_{l+1};  ∂L/∂W_{l,2} = H_lᵀ·(α·s);  δ_l = (α·s·W_{l,2}ᵀ) ⊙ φ'(Z_l);  ∂L/∂W_{l,1} = u_lᵀ·δ_l;
 *             ∂L/∂x_l = s + J_Nᵀ·((δ_l·W_{l,1}ᵀ) ⊙ φ'(N(x_l))),
 * where J_Nᵀ is normalization.ts's backward (the identity without normalization). Each quantity comes with its range
 * problems: its own values' (a product term lost to underflow included, lostTerms.ts), those of the gradient it is
 * computed from, and those of the forward values it reads (rangeCheck.ts's propagation rule).
 */
import type { BoundActivation } from '../lab/activations';
import type { ArchitectureConfig } from '../lab/architecture';
import { type Normalized, normalizeBackward } from '../lab/normalization';
import type { Quantity } from '../lab/results';
import { transposedProduct, weightGradient } from './backward';
import { elementwiseLosesTerms, transposedLosesTerms, weightGradientLosesTerms } from './lostTerms';
import type { Measured, NetworkTrace, PlainTraceLayer, ResidualTraceLayer } from './networkForward';
import { type RangeKind, scanValues, union, valueProblems } from './rangeCheck';

/** Per layer (1-based at index l − 1), the range problems of its forward quantities. */
export type ForwardKinds = Partial<Record<Quantity, RangeKind[]>>[];

export interface BackwardContext {
  activation: BoundActivation;
  architecture: ArchitectureConfig;
  /** α of a residual network. */
  alpha: number;
  rows: number;
  width: number;
  forward: ForwardKinds;
}

function measure(quantity: Quantity, values: Float64Array, inherited: RangeKind[], lost: boolean, terms: number) {
  const scan = scanValues(values);
  return { quantity, values, scan, kinds: union(inherited, valueProblems(scan, lost, terms)) } as Measured;
}

/** J_Nᵀ·(upstream ⊙ φ'(v)) with v = N(pre) or pre itself, and whether a product term underflowed. */
function throughActivation(
  context: BackwardContext,
  upstream: Float64Array,
  pre: Float64Array,
  normalized: Normalized | null,
): { gradient: Float64Array; lost: boolean } {
  const slope = (normalized ? normalized.values : pre).map(context.activation.df);
  const product = upstream.map((g, e) => g * slope[e]);
  const lost = elementwiseLosesTerms(upstream, slope);
  const { norm } = context.architecture;
  if (!normalized || norm === 'none') return { gradient: product, lost };
  return { gradient: normalizeBackward(norm, normalized, product, context.rows, context.width), lost };
}

/** Whether φ'(·) or N's backward reads the forward values (else their problems do not reach the gradient). */
const readsForward = (context: BackwardContext) =>
  !context.activation.constantSlope || context.architecture.norm !== 'none';

/** Per layer, its backward quantities: grad and weightGrad, and for a residual block streamGrad, branchWeightGrad. */
export function backwardTrial(context: BackwardContext, trace: NetworkTrace, outputGrad: Float64Array): Measured[][] {
  return trace.kind === 'plain'
    ? plainBackward(context, trace.layers, outputGrad)
    : residualBackward(context, trace.layers, outputGrad);
}

function plainBackward(context: BackwardContext, layers: PlainTraceLayer[], outputGrad: Float64Array): Measured[][] {
  const { rows, width, forward } = context;
  const out: Measured[][] = new Array(layers.length);
  let upstream = outputGrad;
  let upstreamLost = false;
  let inherited: RangeKind[] = [];
  for (let l = layers.length - 1; l >= 0; l--) {
    const t = layers[l];
    const through = throughActivation(context, upstream, t.pre, t.normalized);
    const readPre = readsForward(context) ? (forward[l].pre ?? []) : [];
    const terms = l === layers.length - 1 ? 1 : width + 1;
    const grad = measure('grad', through.gradient, union(inherited, readPre), upstreamLost || through.lost, terms);
    const weights = weightGradient(t.input, grad.values, rows, t.fanIn, width);
    const weightsLost = weightGradientLosesTerms(t.input, grad.values, rows, t.fanIn, width);
    const below = l > 0 ? (forward[l - 1].post ?? []) : [];
    out[l] = [grad, measure('weightGrad', weights, union(grad.kinds, below), weightsLost, rows)];
    if (l > 0) {
      upstream = transposedProduct(grad.values, t.weights, rows, t.fanIn, width);
      upstreamLost = transposedLosesTerms(grad.values, t.weights, t.fanIn, width);
    }
    inherited = grad.kinds;
  }
  return out;
}

function residualBackward(
  context: BackwardContext,
  layers: ResidualTraceLayer[],
  outputGrad: Float64Array,
): Measured[][] {
  const { rows, width, forward, alpha } = context;
  const out: Measured[][] = new Array(layers.length);
  let stream = measure('streamGrad', outputGrad, [], false, 1);
  for (let l = layers.length - 1; l >= 0; l--) {
    const b = layers[l];
    // x_l: the previous block's stream, or the projection's (its problems are block 1's inherited ones).
    const below = l > 0 ? (forward[l - 1].stream ?? []) : [];
    const reads = readsForward(context);
    const branchGrad = stream.values.map((s) => alpha * s);
    const outWeights = weightGradient(b.post, branchGrad, rows, width, width);
    const outLost = weightGradientLosesTerms(b.post, branchGrad, rows, width, width);
    const branchWeightGrad = measure(
      'branchWeightGrad',
      outWeights,
      union(stream.kinds, forward[l].post ?? []),
      outLost,
      rows,
    );
    const hidden = transposedProduct(branchGrad, b.weightsOut, rows, width, width);
    const through = throughActivation(context, hidden, b.pre, null);
    const lostGrad = transposedLosesTerms(branchGrad, b.weightsOut, width, width) || through.lost;
    const readPre = reads ? (forward[l].pre ?? []) : [];
    const grad = measure('grad', through.gradient, union(stream.kinds, readPre), lostGrad, width + 1);
    const inWeights = weightGradient(b.branchInput, grad.values, rows, width, width);
    const inLost = weightGradientLosesTerms(b.branchInput, grad.values, rows, width, width);
    const weightGrad = measure('weightGrad', inWeights, union(grad.kinds, below), inLost, rows);
    out[l] = [grad, weightGrad, stream, branchWeightGrad];
    const input = transposedProduct(grad.values, b.weightsIn, rows, width, width);
    const toStream = throughActivation(context, input, b.stream, b.normalized);
    const lostStream = transposedLosesTerms(grad.values, b.weightsIn, width, width) || toStream.lost;
    const next = stream.values.map((s, e) => s + toStream.gradient[e]);
    stream = measure('streamGrad', next, union(grad.kinds, reads ? below : []), lostStream, width + 2);
  }
  return out;
}
