/**
 * Initializers, with torch.nn.init's semantics. Each maps its spec and the layer's fans to a weight distribution;
 * both engines sample those distributions from the same Philox stream (src/lab/sampling.ts, shaders/weights.wgsl).
 * A Linear layer's weight here is [n_in × n_out] (Z = H·W), so fan_in = n_in and fan_out = n_out, as in PyTorch.
 */

/** The distributions the engines can sample. `scale` is the std (normal) or the half-width (uniform) or the value. */
export type DistributionShape = 'normal' | 'uniform' | 'constant';
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
const fan = (spec: InitSpec, fanIn: number, fanOut: number) => (spec.mode === 'fan_out' ? fanOut : fanIn);
const xavierStd = (spec: InitSpec, fanIn: number, fanOut: number) => (spec.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
// kaiming_* default: a = 0, nonlinearity 'leaky_relu' → gain √2.
const heStd = (spec: InitSpec, fanIn: number, fanOut: number) => (spec.gain ?? Math.SQRT2) / Math.sqrt(fan(spec, fanIn, fanOut));

export const initializers = {
  normal: {
    kind: 'normal', fields: ['sigma'], title: 'Normal', summary: 'W ~ N(0, σ²), σ fixed by hand',
    distribution: (s) => ({ shape: 'normal', scale: s.sigma! }),
  },
  uniform: {
    kind: 'uniform', fields: ['a'], title: 'Uniform', summary: 'W ~ U(−a, a), variance a²/3',
    distribution: (s) => ({ shape: 'uniform', scale: s.a! }),
  },
  zeros: {
    kind: 'zeros', fields: [], title: 'Zeros', summary: 'every weight 0: no signal, perfect symmetry',
    distribution: () => ({ shape: 'constant', scale: 0 }),
  },
  constant: {
    kind: 'constant', fields: ['value'], title: 'Constant', summary: 'every weight c: every neuron of a layer is the same',
    distribution: (s) => ({ shape: 'constant', scale: s.value! }),
  },
  'xavier-normal': {
    kind: 'xavier-normal', fields: ['gain'], title: 'Xavier normal',
    summary: 'W ~ N(0, gain²·2/(n_in+n_out)): 2/(n_in+n_out) is the variance',
    distribution: (s, i, o) => ({ shape: 'normal', scale: xavierStd(s, i, o) }),
  },
  'xavier-uniform': {
    kind: 'xavier-uniform', fields: ['gain'], title: 'Xavier uniform',
    summary: 'W ~ U(±gain·√(6/(n_in+n_out))), the same variance as Xavier normal',
    distribution: (s, i, o) => ({ shape: 'uniform', scale: SQRT3 * xavierStd(s, i, o) }),
  },
  'he-normal': {
    kind: 'he-normal', fields: ['gain', 'mode'], title: 'He normal',
    summary: 'W ~ N(0, gain²/fan), gain √2: variance 2/n_in for ReLU',
    distribution: (s, i, o) => ({ shape: 'normal', scale: heStd(s, i, o) }),
  },
  'he-uniform': {
    kind: 'he-uniform', fields: ['gain', 'mode'], title: 'He uniform',
    summary: 'W ~ U(±gain·√(3/fan)), the same variance as He normal',
    distribution: (s, i, o) => ({ shape: 'uniform', scale: SQRT3 * heStd(s, i, o) }),
  },
} satisfies Record<string, Initializer>;

export type InitKind = keyof typeof initializers;
export const initKinds = Object.keys(initializers) as InitKind[];

export function weightDistribution(spec: InitSpec, fanIn: number, fanOut: number): WeightDistribution {
  return initializers[spec.kind].distribution(spec, fanIn, fanOut);
}

export function distributionVariance(d: WeightDistribution): number {
  switch (d.shape) {
    case 'normal': return d.scale ** 2;
    case 'uniform': return d.scale ** 2 / 3;
    case 'constant': return 0;
  }
}

/** A short label for a series, e.g. "σ = 1e-5" or "He normal (fan_out)". */
export function initLabel(spec: InitSpec): string {
  switch (spec.kind) {
    case 'normal': return `σ = ${formatParameter(spec.sigma!)}`;
    case 'uniform': return `U(±${formatParameter(spec.a!)})`;
    case 'constant': return `constant ${formatParameter(spec.value!)}`;
    default: {
      const parts = [spec.gain !== undefined ? `gain ${formatParameter(spec.gain)}` : '', spec.mode ?? ''].filter(Boolean);
      return initializers[spec.kind].title + (parts.length ? ` (${parts.join(', ')})` : '');
    }
  }
}

function formatParameter(x: number): string {
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  return magnitude < 1e-2 || magnitude >= 1e4 ? x.toExponential().replace('e+', 'e') : String(x);
}
