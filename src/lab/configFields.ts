/**
 * The experiment's scalar fields, declared once. This table drives validation, the URL state, the page's controls
 * and the README's config reference; adding a field is one entry.
 */
import { activationNames } from './activations';

export interface NumberField {
  name: ScalarFieldName;
  type: 'int' | 'number';
  default: number;
  min: number;
  max: number;
  /** Also takes a bias initializer object instead of a number (src/lab/bias.ts): only `bias` does. */
  random?: boolean;
  description: string;
}
export interface EnumField {
  name: ScalarFieldName;
  type: 'enum';
  default: string;
  values: readonly string[];
  description: string;
}
export type ScalarField = NumberField | EnumField;
export type ScalarFieldName = 'seed' | 'trials' | 'depth' | 'width' | 'bias' | 'activation' | 'slope';

export const MAX_WIDTH = 16384;
export const MAX_BATCH = 1 << 20;
/** One activation buffer of float32 must fit in 1 GiB, the largest storage binding Chromium grants. */
export const MAX_ELEMENTS_PER_LAYER = 1 << 28;
export const MAX_SERIES = 64;
/** Orthogonal weights come from a float64 QR on the CPU (O(n³): ≈ 8 s per layer at 1024 × 1024). */
export const MAX_ORTHOGONAL_WIDTH = 1024;

export const scalarFields: readonly ScalarField[] = [
  {
    name: 'seed',
    type: 'int',
    default: 1,
    min: 0,
    max: 0xffffffff,
    description: 'Philox key: the same seed gives the same numbers on every engine',
  },
  {
    name: 'trials',
    type: 'int',
    default: 1,
    min: 1,
    max: 1000,
    description: 'independent draws of the weights (and of random inputs)',
  },
  { name: 'depth', type: 'int', default: 8, min: 1, max: 1000, description: 'number of hidden layers' },
  { name: 'width', type: 'int', default: 10, min: 1, max: MAX_WIDTH, description: 'neurons per hidden layer' },
  {
    name: 'bias',
    type: 'number',
    default: 0,
    min: -1e6,
    max: 1e6,
    random: true,
    description: 'every bias b (the seed uses 0); or b ~ N(0, σ_b²) drawn per unit and layer',
  },
  {
    name: 'activation',
    type: 'enum',
    default: 'relu',
    values: activationNames,
    description: 'the nonlinearity φ in H = φ(Z)',
  },
  {
    name: 'slope',
    type: 'number',
    default: 0.01,
    min: 0,
    max: 1,
    description: "leaky ReLU's slope for z < 0 (PyTorch's default 0.01); other activations ignore it",
  },
];
