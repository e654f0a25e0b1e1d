/**
 * Initializers, with torch.nn.init's semantics. Each maps its spec and the layer's fans to a weight distribution;
 * both engines sample those distributions from the same Philox stream (src/lab/sampling.ts, shaders/weights.wgsl).
 * A Linear layer's weight here is [n_in × n_out] (Z = H·W), so fan_in = n_in and fan_out = n_out, as in PyTorch.
 */

/**
 * The distributions the engines can sample. `scale` is the std (normal), the half-width (uniform), the value
 * (constant), the std before truncation to ±2·scale (truncated-normal), or the elements' RMS gain/√max(n_in, n_out)
 * (orthogonal: the only matrix-level shape, see src/lab/orthogonal.ts).
 */
export type DistributionShape = 'normal' | 'uniform' | 'constant' | 'truncated-normal' | 'orthogonal';
export interface WeightDistribution {
  shape: DistributionShape;
  scale: number;
}

export interface InitSpec {
  kind: InitKind;
  sigma?: number;
  a?: number;
  value?: number;
  gain?: number;
  mode?: FanMode;
}
export type FanMode = 'fan_in' | 'fan_out';

export interface Initializer {
  kind: string;
  /** Spec fields this kind takes besides `kind`; the config validator checks them. */
  fields: readonly (keyof InitSpec)[];
  title: string;
  summary: string;
  distribution(spec: InitSpec, fanIn: number, fanOut: number): WeightDistribution;
}

const SQRT3 = Math.sqrt(3);
/**
 * Keras' constant: the std of N(0, 1) truncated to [−2, 2], √(1 − 4ϕ(2)/(2Φ(2) − 1)). Dividing the target std by it
 * makes the variance after truncation the target.
 */
export const TRUNCATED_STD = 0.87962566103423978;
const fan = (spec: InitSpec, fanIn: number, fanOut: number) => (spec.mode === 'fan_out' ? fanOut : fanIn);
const xavierStd = (spec: InitSpec, fanIn: number, fanOut: number) => (spec.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
// kaiming_* default: a = 0, nonlinearity 'leaky_relu' → gain √2.
const heStd = (spec: InitSpec, fanIn: number, fanOut: number) =>
  (spec.gain ?? Math.SQRT2) / Math.sqrt(fan(spec, fanIn, fanOut));
const lecunStd = (fanIn: number) => 1 / Math.sqrt(fanIn);
const truncated = (std: number): WeightDistribution => ({ shape: 'truncated-normal', scale: std / TRUNCATED_STD });

export const initializers = {
  normal: {
    kind: 'normal',
    fields: ['sigma'],
    title: 'Normal',
    summary: 'W ~ N(0, σ²), σ fixed by hand',
    distribution: (s) => ({ shape: 'normal', scale: s.sigma! }),
  },
  uniform: {
    kind: 'uniform',
    fields: ['a'],
    title: 'Uniform',
    summary: 'W ~ U(−a, a), variance a²/3',
    distribution: (s) => ({ shape: 'uniform', scale: s.a! }),
  },
  zeros: {
    kind: 'zeros',
    fields: [],
    title: 'Zeros',
    summary: 'every weight 0: no signal, perfect symmetry',
    distribution: () => ({ shape: 'constant', scale: 0 }),
  },
  constant: {
    kind: 'constant',
    fields: ['value'],
    title: 'Constant',
    summary: 'every weight c: every neuron of a layer is the same',
    distribution: (s) => ({ shape: 'constant', scale: s.value! }),
  },
  'xavier-normal': {
    kind: 'xavier-normal',
    fields: ['gain'],
    title: 'Xavier normal',
    summary: 'W ~ N(0, gain²·2/(n_in+n_out)): 2/(n_in+n_out) is the variance',
    distribution: (s, i, o) => ({ shape: 'normal', scale: xavierStd(s, i, o) }),
  },
  'xavier-uniform': {
    kind: 'xavier-uniform',
    fields: ['gain'],
    title: 'Xavier uniform',
    summary: 'W ~ U(±gain·√(6/(n_in+n_out))), the same variance as Xavier normal',
    distribution: (s, i, o) => ({ shape: 'uniform', scale: SQRT3 * xavierStd(s, i, o) }),
  },
  'he-normal': {
    kind: 'he-normal',
    fields: ['gain', 'mode'],
    title: 'He normal',
    summary: 'W ~ N(0, gain²/fan), gain √2: variance 2/n_in for ReLU',
    distribution: (s, i, o) => ({ shape: 'normal', scale: heStd(s, i, o) }),
  },
  'he-uniform': {
    kind: 'he-uniform',
    fields: ['gain', 'mode'],
    title: 'He uniform',
    summary: 'W ~ U(±gain·√(3/fan)), the same variance as He normal',
    distribution: (s, i, o) => ({ shape: 'uniform', scale: SQRT3 * heStd(s, i, o) }),
  },
  'lecun-normal': {
    kind: 'lecun-normal',
    fields: [],
    title: 'LeCun normal',
    summary: 'W ~ N(0, 1/n_in) (LeCun 1998): keeps the variance where φ(z) ≈ z, as tanh near 0',
    distribution: (_, i) => ({ shape: 'normal', scale: lecunStd(i) }),
  },
  'lecun-uniform': {
    kind: 'lecun-uniform',
    fields: [],
    title: 'LeCun uniform',
    summary: 'W ~ U(±√(3/n_in)), the same variance as LeCun normal',
    distribution: (_, i) => ({ shape: 'uniform', scale: SQRT3 * lecunStd(i) }),
  },
  'glorot-trunc-normal': {
    kind: 'glorot-trunc-normal',
    fields: ['gain'],
    title: 'Glorot truncated normal',
    summary: 'Keras GlorotNormal: N(0, s²) redrawn outside ±2s, s chosen so the variance is gain²·2/(n_in+n_out)',
    distribution: (s, i, o) => truncated(xavierStd(s, i, o)),
  },
  'he-trunc-normal': {
    kind: 'he-trunc-normal',
    fields: ['gain', 'mode'],
    title: 'He truncated normal',
    summary: 'Keras HeNormal: N(0, s²) redrawn outside ±2s, s chosen so the variance is gain²/fan (2/n_in)',
    distribution: (s, i, o) => truncated(heStd(s, i, o)),
  },
  'lecun-trunc-normal': {
    kind: 'lecun-trunc-normal',
    fields: [],
    title: 'LeCun truncated normal',
    summary: 'Keras LecunNormal: N(0, s²) redrawn outside ±2s, s chosen so the variance is 1/n_in',
    distribution: (_, i) => truncated(lecunStd(i)),
  },
  'torch-linear-default': {
    kind: 'torch-linear-default',
    fields: [],
    title: 'PyTorch nn.Linear default',
    summary:
      'W ~ U(±1/√n_in) (kaiming_uniform, a = √5): variance 1/(3·n_in); PyTorch also draws b ~ U(±1/√n_in), here b is fixed',
    distribution: (_, i) => ({ shape: 'uniform', scale: lecunStd(i) }),
  },
  orthogonal: {
    kind: 'orthogonal',
    fields: ['gain'],
    title: 'Orthogonal',
    summary:
      'W = gain·Q, Q from the QR of a Gaussian matrix: every singular value is gain; no direction shrinks when n_in ≤ n_out',
    distribution: (s, i, o) => ({ shape: 'orthogonal', scale: (s.gain ?? 1) / Math.sqrt(Math.max(i, o)) }),
  },
} satisfies Record<string, Initializer>;

export type InitKind = keyof typeof initializers;
export const initKinds = Object.keys(initializers) as InitKind[];

export function weightDistribution(spec: InitSpec, fanIn: number, fanOut: number): WeightDistribution {
  return initializers[spec.kind].distribution(spec, fanIn, fanOut);
}

/** Variance of one weight element (for orthogonal: its expectation over Haar-random Q, exact). */
export function distributionVariance(d: WeightDistribution): number {
  switch (d.shape) {
    case 'normal':
      return d.scale ** 2;
    case 'uniform':
      return d.scale ** 2 / 3;
    case 'constant':
      return 0;
    case 'truncated-normal':
      return (d.scale * TRUNCATED_STD) ** 2;
    case 'orthogonal':
      return d.scale ** 2;
  }
}

/** A short label for a series, e.g. "σ = 1e-5" or "He normal (fan_out)". */
export function initLabel(spec: InitSpec): string {
  switch (spec.kind) {
    case 'normal':
      return `σ = ${formatParameter(spec.sigma!)}`;
    case 'uniform':
      return `U(±${formatParameter(spec.a!)})`;
    case 'constant':
      return `constant ${formatParameter(spec.value!)}`;
    default: {
      // Four significant digits: √2 reads 1.414, not 1.4142135623730951.
      const gain = spec.gain !== undefined ? `gain ${formatParameter(Number(spec.gain.toPrecision(4)))}` : '';
      const parts = [gain, spec.mode ?? ''].filter(Boolean);
      return initializers[spec.kind].title + (parts.length ? ` (${parts.join(', ')})` : '');
    }
  }
}

function formatParameter(x: number): string {
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  return magnitude < 1e-2 || magnitude >= 1e4 ? x.toExponential().replace('e+', 'e') : String(x);
}
