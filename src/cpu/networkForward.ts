/**
 * One trial's forward pass in float64, for every architecture (src/lab/architecture.ts gives the model): the plain
 * network — Z_l = H_{l−1}·W_l + b, H_l = φ(N(Z_l)) — or the residual one — x_1 = X·W_in + b, then per block
 * Z_l = φ(N(x_l))·W_{l,1} + b, H_l = φ(Z_l), branch α·(H_l·W_{l,2} + b), x_{l+1} = x_l + branch. Each layer (a
 * block, for a residual network) is handed to `onLayer` with its quantities' values and their range problems
 * (rangeCheck.ts: a value problem carries to everything computed from those values); with `keep`, the trace the
 * backward pass needs. The plain network without normalization is computed as it always was, operation for operation.
 */
import type { BoundActivation } from '../lab/activations';
import { branchScale, type WeightMatrix, weightMatrices } from '../lab/architecture';
import { layerBiases } from '../lab/bias';
import { type ExperimentConfig, inputWidth } from '../lab/config';
import { type InitSpec, weightDistribution } from '../lab/initializers';
import { type Normalized, normalize } from '../lab/normalization';
import type { Quantity } from '../lab/results';
import { sampleWeights } from '../lab/sampling';
import { affineRows } from './layers';
import { affineLosesTerms } from './lostTerms';
import { type RangeKind, scanValues, union, type ValueScan, valueProblems } from './rangeCheck';

/** The forward product runs in blocks of rows of about this many multiply–adds (a few ms) between chances to yield. */
const BLOCK_MACS = 2e6;

/** A quantity of a layer as measured: its values, one scan of them, and its range problems, own and inherited. */
export interface Measured {
  quantity: Quantity;
  values: Float64Array;
  scan: ValueScan;
  kinds: RangeKind[];
}

export interface ForwardLayer {
  /** 1-based. */
  layer: number;
  /** The matrix whose product is Z_l (W_l, or the block's W_{l,1}), for histograms. */
  weights: Float64Array;
  measured: Measured[];
}

/** What a layer of a plain network keeps for the backward pass. */
export interface PlainTraceLayer {
  /** H_{l−1} (X for l = 1), W_l and its fan-in, Z_l. */
  input: Float64Array;
  weights: Float64Array;
  fanIn: number;
  pre: Float64Array;
  /** N(Z_l), null without normalization. */
  normalized: Normalized | null;
}

/** What a residual block keeps: x_l, N(x_l), u_l = φ(N(x_l)), Z_l, H_l and its two matrices. */
export interface ResidualTraceLayer {
  stream: Float64Array;
  normalized: Normalized | null;
  branchInput: Float64Array;
  pre: Float64Array;
  post: Float64Array;
  weightsIn: Float64Array;
  weightsOut: Float64Array;
}

export type NetworkTrace =
  | { kind: 'plain'; layers: PlainTraceLayer[] }
  | { kind: 'residual'; input: Float64Array; projection: Float64Array; layers: ResidualTraceLayer[] };

export interface ForwardContext {
  config: ExperimentConfig;
  spec: InitSpec;
  series: number;
  trial: number;
  /** The trial's input rows [rows × n_0]. */
  input: Float64Array;
  rows: number;
  activation: BoundActivation;
  /** Keep the trace for a backward pass. */
  keep: boolean;
  /** Called between blocks of rows: `fraction` of layer `layer` done (the engine yields and reports there). */
  pace: (layer: number, fraction: number) => Promise<void>;
  /** Each layer as it is finished. */
  onLayer: (layer: ForwardLayer) => Promise<void>;
}

function measure(quantity: Quantity, values: Float64Array, inherited: RangeKind[], terms: number, lost = false) {
  const scan = scanValues(values);
  return { quantity, values, scan, kinds: union(inherited, valueProblems(scan, lost, terms)) };
}

/** The matrix's weights at its address: drawn by the series' initializer, or zeros. */
function draw(context: ForwardContext, matrix: WeightMatrix): Float64Array {
  if (matrix.zero) return new Float64Array(matrix.fanIn * matrix.fanOut);
  const { config, spec, series, trial } = context;
  const dist = weightDistribution(spec, matrix.fanIn, matrix.fanOut);
  const address = { seed: config.seed, series, trial, layer: matrix.address };
  return sampleWeights(dist, address, matrix.fanIn, matrix.fanOut);
}

/** H·W + b over the context's rows, in blocks between which the context paces layer `layer`. */
async function product(
  context: ForwardContext,
  h: Float64Array,
  w: Float64Array,
  matrix: WeightMatrix,
  layer: number,
  share: [number, number],
): Promise<Float64Array> {
  const { rows, config, trial } = context;
  const biases = layerBiases(config.bias, config.seed, trial, matrix.address, matrix.fanOut);
  const z = new Float64Array(rows * matrix.fanOut);
  for (let r = 0; r < rows; r++) z.set(biases, r * matrix.fanOut);
  const block = Math.max(1, Math.floor(BLOCK_MACS / (matrix.fanIn * matrix.fanOut)));
  for (let first = 0; first < rows; first += block) {
    const last = Math.min(rows, first + block);
    affineRows(h, w, z, first, last, matrix.fanIn, matrix.fanOut);
    await context.pace(layer, share[0] + (share[1] - share[0]) * (last / rows));
  }
  return z;
}

/** N(v) where the architecture normalizes; null where it does not. */
function normalized(context: ForwardContext, v: Float64Array): Normalized | null {
  const { norm, eps } = context.config.architecture;
  return norm === 'none' ? null : normalize(norm, v, context.rows, context.config.width, eps);
}

export async function forwardTrial(context: ForwardContext): Promise<NetworkTrace> {
  const { architecture, width, depth } = context.config;
  const matrices = weightMatrices(architecture, inputWidth(context.config), width, depth);
  return architecture.kind === 'plain' ? plainForward(context, matrices) : residualForward(context, matrices);
}

async function plainForward(context: ForwardContext, matrices: WeightMatrix[]): Promise<NetworkTrace> {
  const f = context.activation.f;
  const layers: PlainTraceLayer[] = [];
  let h = context.input;
  let inherited: RangeKind[] = [];
  for (const matrix of matrices) {
    const w = draw(context, matrix);
    const z = await product(context, h, w, matrix, matrix.layer, [0, 1]);
    const lost = affineLosesTerms(h, w, matrix.fanIn, matrix.fanOut);
    const n = normalized(context, z);
    if (context.keep) layers.push({ input: h, weights: w, fanIn: matrix.fanIn, pre: z, normalized: n });
    const pre = measure('pre', z, inherited, matrix.fanIn, lost);
    h = (n ? n.values : z).map(f);
    const post = measure('post', h, pre.kinds, 1);
    inherited = post.kinds;
    await context.onLayer({ layer: matrix.layer, weights: w, measured: [pre, post] });
  }
  return { kind: 'plain', layers };
}

async function residualForward(context: ForwardContext, matrices: WeightMatrix[]): Promise<NetworkTrace> {
  const { config, activation } = context;
  const alpha = branchScale(config.architecture, config.depth);
  const [projection, ...branches] = matrices;
  const wIn = draw(context, projection);
  let x = await product(context, context.input, wIn, projection, 1, [0, 0]);
  const projectionLost = affineLosesTerms(context.input, wIn, projection.fanIn, config.width);
  let inherited = measure('stream', x, [], projection.fanIn, projectionLost).kinds;
  const layers: ResidualTraceLayer[] = [];
  for (let l = 1; l <= config.depth; l++) {
    const [inMatrix, outMatrix] = [branches[2 * l - 2], branches[2 * l - 1]];
    const n = normalized(context, x);
    const u = (n ? n.values : x).map(activation.f);
    const w1 = draw(context, inMatrix);
    const z = await product(context, u, w1, inMatrix, l, [0, 0.5]);
    const pre = measure('pre', z, inherited, config.width, affineLosesTerms(u, w1, config.width, config.width));
    const h = z.map(activation.f);
    const post = measure('post', h, pre.kinds, 1);
    const w2 = draw(context, outMatrix);
    const y = await product(context, h, w2, outMatrix, l, [0.5, 1]);
    const branchLost = affineLosesTerms(h, w2, config.width, config.width);
    const branch = y.map((v) => alpha * v);
    const branchMeasured = measure('branch', branch, post.kinds, config.width + 1, branchLost);
    const next = x.map((v, e) => v + branch[e]);
    const stream = measure('stream', next, union(inherited, branchMeasured.kinds), 1);
    if (context.keep)
      layers.push({ stream: x, normalized: n, branchInput: u, pre: z, post: h, weightsIn: w1, weightsOut: w2 });
    x = next;
    inherited = stream.kinds;
    await context.onLayer({ layer: l, weights: w1, measured: [pre, post, stream, branchMeasured] });
  }
  return { kind: 'residual', input: context.input, projection: wIn, layers };
}
