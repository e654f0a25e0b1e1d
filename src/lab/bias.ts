/**
 * The config's `bias`: one constant for every unit (the seed's 0), or a bias initializer that draws each unit's bias at
 * random, as the mean-field papers do (Poole et al. 2016): {"kind": "normal", "sigma": σ_b} gives b ~ N(0, σ_b²), one
 * draw per unit and layer. Random biases come from the Philox stream `Stream.bias` at counter [unit, layer, trial, 0]:
 * like the inputs they are shared by every series of a run, so the series of a sweep differ only in their weights.
 * The GPU engine receives the CPU's draws (rounded to float32), so both engines hold the same biases.
 */
import { type ConfigError, checkNumber } from './configValues';
import { drawWordsAt, Stream, standardNormal } from './rng';

export interface RandomBias {
  kind: 'normal';
  sigma: number;
}
export type BiasSpec = number | RandomBias;

/** The bias initializers, one entry each: their fields and what they draw. */
export const biasKinds = {
  normal: { fields: ['sigma'], summary: 'b ~ N(0, σ_b²), one draw per unit and layer' },
} as const;

const SIGMA_ALLOWED = 'a number from 0 to 1e6 (the standard deviation σ_b)';

/** A bias initializer object, checked field by field; null (with errors) when it is not one. */
export function parseRandomBias(
  value: Record<string, unknown>,
  path: string,
  errors: ConfigError[],
): RandomBias | null {
  const before = errors.length;
  if (typeof value.kind !== 'string' || !Object.hasOwn(biasKinds, value.kind)) {
    const kinds = Object.keys(biasKinds).map((k) => `"${k}"`);
    errors.push({ field: `${path}.kind`, value: value.kind, allowed: `${kinds.join(', ')}, or give a plain number` });
    return null;
  }
  for (const key of Object.keys(value)) {
    if (key !== 'kind' && key !== 'sigma')
      errors.push({
        field: `${path}.${key}`,
        value: value[key],
        allowed: 'not a field of "normal" (its fields: sigma)',
      });
  }
  checkNumber(`${path}.sigma`, value.sigma, (x) => x >= 0 && x <= 1e6, SIGMA_ALLOWED, errors);
  return errors.length === before ? { kind: 'normal', sigma: value.sigma as number } : null;
}

/** E[b]: the constant, or 0 for a zero-mean random bias. */
export const biasMean = (spec: BiasSpec): number => (typeof spec === 'number' ? spec : 0);

/** Var(b) across units: 0 for a constant, σ_b² for a random bias. */
export const biasVariance = (spec: BiasSpec): number => (typeof spec === 'number' ? 0 : spec.sigma ** 2);

/** Every bias exactly 0: the exact-scaling route of homogeneous activations stays open. */
export const isZeroBias = (spec: BiasSpec): boolean => biasMean(spec) === 0 && biasVariance(spec) === 0;

/** "bias 0.1" or "b ~ N(0, 0.05²)", for sentences and labels. */
export function biasText(spec: BiasSpec): string {
  return typeof spec === 'number' ? `bias ${spec}` : `b ~ N(0, ${spec.sigma}²)`;
}

/** One unit's standard-normal bias draw: b = σ_b × this. */
export function unitBias(seed: number, trial: number, layer: number, unit: number): number {
  const [w0, w1] = drawWordsAt(seed, Stream.bias, 0, trial, layer, unit);
  return standardNormal(w0, w1);
}

/** The biases of layer `layer` (1-based) of one trial, one per unit. */
export function layerBiases(spec: BiasSpec, seed: number, trial: number, layer: number, width: number): Float64Array {
  const biases = new Float64Array(width);
  if (typeof spec === 'number') return biases.fill(spec);
  for (let unit = 0; unit < width; unit++) biases[unit] = spec.sigma * unitBias(seed, trial, layer, unit);
  return biases;
}
