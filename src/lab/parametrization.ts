/**
 * How a network's initialization, forward multipliers and learning rates scale with its width: standard (PyTorch's
 * usual), NTK, and μP in the form of Tensor Programs V (Yang et al. 2021), Table 8 — the form the `mup` package
 * implements (MuReadout's 1/width multiplier, MuSGD and MuAdam's learning rates).
 *
 * Every factor is relative to the standard parametrization at the same width, and is a power of the width ratio
 * m = width / baseWidth, so every parametrization equals the standard one at width = baseWidth. Layers are of three
 * kinds, by which of their dimensions grow with width: the input layer (d → n), hidden layers (n → n) and the readout
 * (n → k). A factor on the initial variance multiplies the variance the series' initializer gives (its σ scales by the
 * square root); the multiplier scales the layer's output, Z = multiplier · H·W + b; the learning-rate factors scale the
 * optimizer's lr for that layer's W (SGD and Adam differ), and for its b.
 */
import type { WeightMatrix } from './architecture';
import type { ObjectSpec } from './schema';

export type ParametrizationKind = 'standard' | 'ntk' | 'mup';
export type LayerKind = 'input' | 'hidden' | 'readout';
export const LAYER_KINDS: readonly LayerKind[] = ['input', 'hidden', 'readout'];

export interface ParametrizationConfig {
  kind: ParametrizationKind;
  /** The width at which every parametrization is the standard one. */
  baseWidth: number;
  /** The readout's W and b start at 0 (mup's readout_zero_init), whatever the series' initializer. */
  readoutZero: boolean;
}

export const PARAMETRIZATION_SCHEMA: ObjectSpec = {
  type: 'object',
  description: 'how initialization, layer outputs and learning rates scale with width',
  fields: {
    kind: {
      type: 'enum',
      default: 'standard',
      values: ['standard', 'ntk', 'mup'],
      description: "standard (PyTorch's usual), ntk, or mup (Tensor Programs V, Table 8)",
    },
    baseWidth: {
      type: 'int',
      default: 64,
      min: 1,
      max: 16384,
      description: 'the width at which every parametrization equals the standard one',
    },
    readoutZero: {
      type: 'boolean',
      default: false,
      description: "the readout's weights and biases start at 0 (mup's readout_zero_init)",
    },
  },
};

/** The factors of one layer kind, as powers of m: the value applied is m^power. */
export interface LayerScaling {
  initVariance: number;
  multiplier: number;
  sgdLr: number;
  adamLr: number;
  biasSgdLr: number;
  biasAdamLr: number;
}

const ONE: LayerScaling = { initVariance: 0, multiplier: 0, sgdLr: 0, adamLr: 0, biasSgdLr: 0, biasAdamLr: 0 };

/**
 * The table the page and the README show and both engines apply. μP (TP5 Table 8 with base shapes): an input
 * layer's weights and every hidden bias have one growing dimension, so SGD's lr grows as fan_out (m) and Adam's
 * stays; hidden weights keep SGD's lr and divide Adam's by fan_in (m); the readout's weights start at constant
 * variance (×m over the standard 1/fan_in), its output is divided by m, and SGD's lr grows as fan_in (m); the
 * readout's bias has no growing dimension. NTK: a layer whose fan_in grows draws W at constant variance (×m) and
 * divides its output by √m, with the learning rates unchanged; the input layer's fan_in is the data's, so it is
 * standard.
 */
export const PARAMETRIZATIONS: Record<ParametrizationKind, Record<LayerKind, LayerScaling>> = {
  standard: { input: ONE, hidden: ONE, readout: ONE },
  ntk: {
    input: ONE,
    hidden: { ...ONE, initVariance: 1, multiplier: -0.5 },
    readout: { ...ONE, initVariance: 1, multiplier: -0.5 },
  },
  mup: {
    input: { ...ONE, sgdLr: 1, biasSgdLr: 1 },
    hidden: { ...ONE, adamLr: -1, biasSgdLr: 1 },
    readout: { ...ONE, initVariance: 1, multiplier: -1, sgdLr: 1 },
  },
};

/** Layer l's kind in a network of `depth` hidden layers: 1 is the input layer, depth + 1 the readout. */
export function layerKind(layer: number, depth: number): LayerKind {
  return layer === depth + 1 ? 'readout' : layer === 1 ? 'input' : 'hidden';
}

/**
 * A weight matrix's kind by its role (architecture.ts): a residual network's projection reads the data (input), its
 * branches are n × n (hidden); a plain layer's kind follows its place.
 */
export function matrixKind(matrix: Pick<WeightMatrix, 'role' | 'layer'>, depth: number): LayerKind {
  if (matrix.role === 'projection') return 'input';
  if (matrix.role === 'branchIn' || matrix.role === 'branchOut') return 'hidden';
  return layerKind(matrix.layer, depth);
}

/** The factors applied to one layer, as numbers. */
export interface LayerFactors {
  /** The initializer's standard deviation is multiplied by this (the variance by its square). */
  initScale: number;
  multiplier: number;
  /** The optimizer's learning rate for the layer's W and for its b. */
  weightLr: number;
  biasLr: number;
  /** Both start at 0: the readout with `readoutZero`. */
  zero: boolean;
}

/**
 * Layer l's factors at `width` with the given optimizer family. A readout that is the input layer too (depth 0)
 * does not arise: the lab's networks have at least one hidden layer.
 */
export function layerFactors(
  p: ParametrizationConfig,
  layer: number,
  depth: number,
  width: number,
  optimizer: 'sgd' | 'adam',
): LayerFactors {
  return kindFactors(p, layerKind(layer, depth), width, optimizer);
}

/** The factors of a layer of kind `kind`. */
export function kindFactors(
  p: ParametrizationConfig,
  kind: LayerKind,
  width: number,
  optimizer: 'sgd' | 'adam',
): LayerFactors {
  const s = PARAMETRIZATIONS[p.kind][kind];
  const m = width / p.baseWidth;
  const power = (exponent: number) => m ** exponent;
  return {
    initScale: Math.sqrt(power(s.initVariance)),
    multiplier: power(s.multiplier),
    weightLr: power(optimizer === 'sgd' ? s.sgdLr : s.adamLr),
    biasLr: power(optimizer === 'sgd' ? s.biasSgdLr : s.biasAdamLr),
    zero: kind === 'readout' && p.readoutZero,
  };
}

/** A power of m as the table writes it: 1, m, 1/m, √m, 1/√m. */
export function formatPower(exponent: number): string {
  const base = Math.abs(exponent) === 0.5 ? '√m' : Math.abs(exponent) === 1 ? 'm' : `m^${Math.abs(exponent)}`;
  if (exponent === 0) return '1';
  return exponent > 0 ? base : `1/${base}`;
}

export const SCALING_ROWS: { key: keyof LayerScaling; label: string }[] = [
  { key: 'initVariance', label: 'initial variance of W' },
  { key: 'multiplier', label: 'output multiplier' },
  { key: 'sgdLr', label: "SGD's lr for W" },
  { key: 'adamLr', label: "Adam's lr for W" },
  { key: 'biasSgdLr', label: "SGD's lr for b" },
  { key: 'biasAdamLr', label: "Adam's lr for b" },
];

/**
 * The per-layer table of every parametrization, as text cells: one row per parametrization and layer kind, a column per
 * factor. The README's generated table (configDoc.ts) and the page's table are both this table.
 */
export function parametrizationRows(): { header: string[]; rows: string[][] } {
  const kinds = Object.keys(PARAMETRIZATIONS) as ParametrizationKind[];
  return {
    header: ['parametrization', 'layer', ...SCALING_ROWS.map((r) => r.label)],
    rows: kinds.flatMap((kind) =>
      LAYER_KINDS.map((layer) => [
        kind,
        layer,
        ...SCALING_ROWS.map(({ key }) => formatPower(PARAMETRIZATIONS[kind][layer][key])),
      ]),
    ),
  };
}
