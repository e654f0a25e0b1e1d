/**
 * The network's architecture, as every engine, the theory and the trainers read it: `architecture.kind` "plain" (the
 * lab's MLP) or "residual", with a normalization or none.
 *
 * Plain, depth L (layers): Z_l = H_{l−1}·W_l + b, H_l = φ(N(Z_l)), H_0 = X. Layer l of the statistics: pre = Z_l,
 * post = H_l, grad = ∂L/∂Z_l, weightGrad = ∂L/∂W_l. W_l is [n_{l−1} × n]: fan_in n_{l−1}, fan_out n, Philox layer l.
 * With norm "none", N is the identity and this is the network the lab has always run, bit for bit.
 *
 * Residual, depth L (blocks): the input projection x_1 = X·W_in + b (no φ), then for blocks l = 1 … L, in the
 * pre-activation form,
 *   u_l = φ(N(x_l)),  Z_l = u_l·W_{l,1} + b,  H_l = φ(Z_l),  y_l = H_l·W_{l,2} + b,  x_{l+1} = x_l + α·y_l.
 * Layer l of the statistics is block l: pre = Z_l, post = H_l, branch = α·y_l, stream = x_{l+1} (the block's output);
 * backward, grad = ∂L/∂Z_l, weightGrad = ∂L/∂W_{l,1}, streamGrad = ∂L/∂x_{l+1} (which is also ∂L/∂(α·y_l)) and
 * branchWeightGrad = ∂L/∂W_{l,2}. W_in [n_0 × n] (fan_in n_0, fan_out n) is Philox layer 1; W_{l,1} and W_{l,2}
 * [n × n] (fan_in = fan_out = n) are layers 2l and 2l + 1, so every matrix has an address of its own. With
 * `zeroInitLast` every W_{l,2} starts at 0: each branch is 0 and x_{l+1} = x_l at initialization (SkipInit, ReZero and
 * Fixup's idea), though ∂L/∂W_{l,2} is not. The projection is not a layer of the statistics: x_1 is what block 1 reads.
 * α = `branchScale`, a number or "1/sqrt(depth)" (1/√L).
 *
 * Normalization, without affine parameters (PyTorch's LayerNorm(elementwise_affine=False), BatchNorm1d(affine=False)):
 * N(v) = (v − μ)/√(s² + ε), with μ and s² the mean and biased variance of a row's n units (LayerNorm) or of a unit over
 * the batch's rows (BatchNorm, training-mode statistics always: a batch is normalized by its own figures).
 *
 * The lab's backward probe (src/cpu/backward.ts): L = Σ g ⊙ H_L for a plain network, L = Σ g ⊙ x_{L+1} for a residual
 * one. Training appends a readout (training.ts) reading H_L, or u_{L+1} = φ(N(x_{L+1})) for a residual network (the
 * pre-activation ResNet's last normalization and φ before its head).
 */
import type { ConfigError } from './configValues';
import type { ObjectSpec } from './schema';

export type ArchitectureKind = 'plain' | 'residual';
export type NormKind = 'none' | 'layer' | 'batch';
/** The text branchScale may take instead of a number. */
export const INVERSE_SQRT_DEPTH = '1/sqrt(depth)';

export interface ArchitectureConfig {
  kind: ArchitectureKind;
  /** α: a number, or INVERSE_SQRT_DEPTH. */
  branchScale: number | string;
  zeroInitLast: boolean;
  norm: NormKind;
  /** ε of the normalization. */
  eps: number;
}

export const ARCHITECTURE_SCHEMA: ObjectSpec = {
  type: 'object',
  description: 'a plain or residual network, with or without normalization',
  fields: {
    kind: {
      type: 'enum',
      default: 'plain',
      values: ['plain', 'residual'],
      description: 'plain: Z = H·W + b layer after layer; residual: x_{l+1} = x_l + α·F(x_l), depth counting blocks',
    },
    branchScale: {
      type: 'numberOrText',
      default: 1,
      min: 0,
      max: 100,
      texts: [INVERSE_SQRT_DEPTH],
      description: 'α, the scale of each residual branch (residual networks only)',
    },
    zeroInitLast: {
      type: 'boolean',
      default: false,
      description: "each block's W₂ starts at 0, so every branch starts at 0 (SkipInit/ReZero; residual only)",
    },
    norm: {
      type: 'enum',
      default: 'none',
      values: ['none', 'layer', 'batch'],
      description:
        'N before each φ: LayerNorm over a row, BatchNorm over the batch (training-mode statistics), no affine parameters',
    },
    eps: {
      type: 'number',
      default: 1e-5,
      min: 0,
      max: 1,
      description: "ε in N(v) = (v − μ)/√(s² + ε) (PyTorch's 1e-5)",
    },
  },
};

/** α as a number: branchScale itself, or 1/√depth. */
export function branchScale(architecture: ArchitectureConfig, depth: number): number {
  const alpha = architecture.branchScale;
  return alpha === INVERSE_SQRT_DEPTH ? 1 / Math.sqrt(depth) : (alpha as number);
}

/** What a weight matrix does in the network; parametrization.ts scales it by its kind. */
export type MatrixRole = 'hidden' | 'projection' | 'branchIn' | 'branchOut' | 'readout';

export interface WeightMatrix {
  role: MatrixRole;
  /** The weights stream's layer word: the matrix's address. */
  address: number;
  fanIn: number;
  fanOut: number;
  /** Starts at 0 whatever the initializer (zeroInitLast). */
  zero: boolean;
  /** The layer of the statistics it belongs to (1-based); 0 for the projection, depth + 1 for a readout. */
  layer: number;
}

/** Every weight matrix of the network in the order the forward pass uses them (no readout). */
export function weightMatrices(
  architecture: ArchitectureConfig,
  inputWidth: number,
  width: number,
  depth: number,
): WeightMatrix[] {
  if (architecture.kind === 'plain') {
    return Array.from({ length: depth }, (_, i) => ({
      role: 'hidden' as const,
      address: i + 1,
      fanIn: i === 0 ? inputWidth : width,
      fanOut: width,
      zero: false,
      layer: i + 1,
    }));
  }
  const square = (l: number, role: 'branchIn' | 'branchOut'): WeightMatrix => ({
    role,
    address: role === 'branchIn' ? 2 * l : 2 * l + 1,
    fanIn: width,
    fanOut: width,
    zero: role === 'branchOut' && architecture.zeroInitLast,
    layer: l,
  });
  const projection: WeightMatrix = {
    role: 'projection',
    address: 1,
    fanIn: inputWidth,
    fanOut: width,
    zero: false,
    layer: 0,
  };
  return [
    projection,
    ...Array.from({ length: depth }, (_, i) => [square(i + 1, 'branchIn'), square(i + 1, 'branchOut')]).flat(),
  ];
}

/**
 * The matrices a trainer trains: the architecture's, then the readout [n × outputs] (layer depth + 1, the last
 * address), which reads H_L or φ(N(x_{L+1})).
 */
export function trainedMatrices(
  architecture: ArchitectureConfig,
  inputWidth: number,
  width: number,
  depth: number,
  outputs: number,
): WeightMatrix[] {
  const body = weightMatrices(architecture, inputWidth, width, depth);
  const readout: WeightMatrix = {
    role: 'readout',
    address: body.length + 1,
    fanIn: width,
    fanOut: outputs,
    zero: false,
    layer: depth + 1,
  };
  return [...body, readout];
}

/** Whether a matrix's product is a layer of the statistics (Z_l): a plain layer, a block's W_{l,1}, the readout. */
export const isReported = (matrix: WeightMatrix) => matrix.role !== 'projection' && matrix.role !== 'branchOut';

/** Multiply–adds of one row through the network's matrices (no readout). */
export function macsPerRow(architecture: ArchitectureConfig, inputWidth: number, width: number, depth: number): number {
  return weightMatrices(architecture, inputWidth, width, depth).reduce((sum, m) => sum + m.fanIn * m.fanOut, 0);
}

export const isResidual = (architecture: ArchitectureConfig) => architecture.kind === 'residual';

/** The lab's MLP: plain and without normalization. */
export const isPlainMlp = (architecture: ArchitectureConfig) =>
  architecture.kind === 'plain' && architecture.norm === 'none';

/** A short description for labels and sentences: "residual, α = 1/√L, LayerNorm". */
export function describeArchitecture(architecture: ArchitectureConfig): string {
  const norm = { none: '', layer: 'LayerNorm', batch: 'BatchNorm' }[architecture.norm];
  const parts: string[] = [architecture.kind];
  if (architecture.kind === 'residual') {
    parts.push(architecture.branchScale === INVERSE_SQRT_DEPTH ? 'α = 1/√L' : `α = ${architecture.branchScale}`);
    if (architecture.zeroInitLast) parts.push('W₂ = 0');
  }
  if (norm) parts.push(norm);
  return parts.join(', ');
}

/** A BatchNorm network's evaluation holds a layer of the whole set at once: 128 MiB in float64. */
const MAX_BATCH_NORM_SET_ELEMENTS = 2 ** 24;

/**
 * What a normalization needs of the rest of the config: a LayerNorm row of one unit, or a BatchNorm batch of one row,
 * normalizes to 0 whatever it holds (PyTorch refuses the latter in training mode), and BatchNorm's evaluation of a
 * training set normalizes the whole set as one batch (training.ts), which both engines hold at once. (An experiment's
 * own input batch is checked when it runs, engine.ts: a config that only trains need not give one.)
 */
export function architectureErrors(
  architecture: ArchitectureConfig,
  shape: { widths: number[]; trainBatch: number; datasetSize: number },
): ConfigError[] {
  const { norm } = architecture;
  const errors: ConfigError[] = [];
  const narrowest = Math.min(...shape.widths);
  if (norm === 'layer' && narrowest < 2)
    errors.push({
      field: 'architecture.norm',
      value: norm,
      allowed: `"layer" needs width ≥ 2: LayerNorm of a single unit is 0 whatever it holds (width is ${narrowest}); use "none"`,
    });
  if (norm !== 'batch') return errors;
  if (shape.trainBatch < 2)
    errors.push({
      field: 'train.batch',
      value: shape.trainBatch,
      allowed: 'at least 2 with architecture.norm = "batch": BatchNorm of one row is 0 whatever it holds',
    });
  const widest = Math.max(...shape.widths);
  if (shape.datasetSize * widest > MAX_BATCH_NORM_SET_ELEMENTS)
    errors.push({
      field: 'train.dataset.size',
      value: shape.datasetSize,
      allowed: `with architecture.norm = "batch", size × width at most ${MAX_BATCH_NORM_SET_ELEMENTS} (2^24): an evaluation normalizes the whole set as one batch; with width ${widest}, size ≤ ${Math.floor(MAX_BATCH_NORM_SET_ELEMENTS / widest)}`,
    });
  return errors;
}
