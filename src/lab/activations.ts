/**
 * Activations as small objects in one table: adding one is one entry.
 * `gain` is PyTorch's torch.nn.init.calculate_gain; `homogeneous` marks φ(c·z) = c·φ(z) for c > 0, which lets the
 * GPU engine compute at unit scale and carry the scale exactly (see src/gpu). `id` is the switch index in WGSL.
 */
export interface Activation {
  name: string;
  id: number;
  f: (z: number) => number;
  df: (z: number) => number;
  gain: number;
  homogeneous: boolean;
  summary: string;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export const activations = {
  linear: { name: 'linear', id: 0, f: (z) => z, df: () => 1, gain: 1, homogeneous: true, summary: 'φ(z) = z' },
  relu: {
    name: 'relu', id: 1, f: (z) => (z > 0 ? z : 0), df: (z) => (z > 0 ? 1 : 0), gain: Math.SQRT2, homogeneous: true,
    summary: 'φ(z) = max(0, z)',
  },
  tanh: {
    name: 'tanh', id: 2, f: Math.tanh, df: (z) => 1 - Math.tanh(z) ** 2, gain: 5 / 3, homogeneous: false,
    summary: 'φ(z) = tanh z',
  },
  sigmoid: {
    name: 'sigmoid', id: 3, f: sigmoid, df: (z) => sigmoid(z) * (1 - sigmoid(z)), gain: 1, homogeneous: false,
    summary: 'φ(z) = 1 / (1 + e^−z)',
  },
} satisfies Record<string, Activation>;

export type ActivationName = keyof typeof activations;
export const activationNames = Object.keys(activations) as ActivationName[];
