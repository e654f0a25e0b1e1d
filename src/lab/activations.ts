/**
 * Activations as small objects in one table: adding one is one entry. An entry's f, df and gain take the config's
 * activation parameters (today only leaky ReLU's `slope`); `bindActivation` fixes them for an engine's inner loop.
 * `gain` is PyTorch's torch.nn.init.calculate_gain where it has one; `constantSlope` marks a φ′ that never reads z
 * (so errors in Z cannot reach the gradients through it); `homogeneous` marks φ(c·z) = c·φ(z) for c > 0,
 * which lets the GPU engine compute at unit scale and carry the scale exactly (see src/gpu), and the theory use closed
 * forms (such a φ is piecewise linear: φ(1)·z above 0, −φ(−1)·z below). `id` is the switch index in WGSL: stable.
 */
import { gaussianExpectation, normalCdf, normalPdf } from './gaussian';

/** The config fields an activation may read; an ExperimentConfig is one. */
export interface ActivationParams {
  slope: number;
}

export interface Activation {
  name: string;
  id: number;
  f: (z: number, p: ActivationParams) => number;
  df: (z: number, p: ActivationParams) => number;
  gain: (p: ActivationParams) => number;
  constantSlope: boolean;
  homogeneous: boolean;
  summary: string;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const gelu = (z: number) => z * normalCdf(z);

/**
 * GELU's gain. calculate_gain has no GELU entry, so we use the rule that gives ReLU √2 and leaky ReLU √(2/(1+slope²)):
 * gain² = 1/E_z[φ(z)²], z ~ N(0, 1), which makes q = 1 a fixed point of the length map q ↦ gain²·E[φ(√q·z)²] under
 * W ~ N(0, gain²/fan_in). GELU is not homogeneous, so the gain holds at unit pre-activation variance only, and that
 * fixed point is unstable: the map's slope there is ≈ 1.144 > 1, so q drifts away from 1 on either side. ≈ 1.5335.
 */
const GELU_GAIN = 1 / Math.sqrt(gaussianExpectation((z) => gelu(z) ** 2));

const table = {
  linear: {
    name: 'linear',
    id: 0,
    f: (z) => z,
    df: () => 1,
    gain: () => 1,
    constantSlope: true,
    homogeneous: true,
    summary: 'φ(z) = z',
  },
  relu: {
    name: 'relu',
    id: 1,
    // biome-ignore lint/complexity/useMathMinMax: Math.max passes NaN through; the table's ReLU maps it to 0, as it always has.
    f: (z) => (z > 0 ? z : 0),
    df: (z) => (z > 0 ? 1 : 0),
    gain: () => Math.SQRT2,
    constantSlope: false,
    homogeneous: true,
    summary: 'φ(z) = max(0, z)',
  },
  tanh: {
    name: 'tanh',
    id: 2,
    f: Math.tanh,
    df: (z) => 1 - Math.tanh(z) ** 2,
    gain: () => 5 / 3,
    constantSlope: false,
    homogeneous: false,
    summary: 'φ(z) = tanh z',
  },
  sigmoid: {
    name: 'sigmoid',
    id: 3,
    f: sigmoid,
    df: (z) => sigmoid(z) * (1 - sigmoid(z)),
    gain: () => 1,
    constantSlope: false,
    homogeneous: false,
    summary: 'φ(z) = 1 / (1 + e^−z)',
  },
  'leaky-relu': {
    name: 'leaky-relu',
    id: 4,
    f: (z, p) => (z > 0 ? z : p.slope * z),
    df: (z, p) => (z > 0 ? 1 : p.slope),
    gain: (p) => Math.sqrt(2 / (1 + p.slope ** 2)),
    constantSlope: false,
    homogeneous: true,
    summary: 'φ(z) = z for z > 0, slope·z below: negative inputs keep a small gradient',
  },
  gelu: {
    name: 'gelu',
    id: 5,
    f: gelu,
    df: (z) => normalCdf(z) + z * normalPdf(z),
    gain: () => GELU_GAIN,
    constantSlope: false,
    homogeneous: false,
    summary:
      'φ(z) = z·Φ(z), Φ the normal CDF: a smooth ReLU (gain 1/√E[φ(z)²] ≈ 1.53, PyTorch has none; it makes q = 1 a fixed point of the length map, an unstable one: slope 1.14)',
  },
} satisfies Record<string, Activation>;

export type ActivationName = keyof typeof table;
/** Widened to Activation, so that every entry takes the parameters whether or not it reads them. */
export const activations: Record<ActivationName, Activation> = table;
export const activationNames = Object.keys(activations) as ActivationName[];

/** An activation with its parameters fixed. */
export interface BoundActivation {
  name: ActivationName;
  id: number;
  f: (z: number) => number;
  df: (z: number) => number;
  gain: number;
  constantSlope: boolean;
  homogeneous: boolean;
}

export function bindActivation(name: ActivationName, p: ActivationParams): BoundActivation {
  const a = activations[name];
  return {
    name,
    id: a.id,
    f: (z) => a.f(z, p),
    df: (z) => a.df(z, p),
    gain: a.gain(p),
    constantSlope: a.constantSlope,
    homogeneous: a.homogeneous,
  };
}
