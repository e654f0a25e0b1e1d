/**
 * The experiments of the section "Residual connections and normalization", derived from the reader's config: the same
 * activation, depth, input and bias, He-initialized (the recursion E[x_{l+1}²] = (1 + α²)·E[x_l²] is about He
 * branches), at least CLAIM_MIN_WIDTH wide since the theory is the wide-network limit, and drawn many times. One run
 * per network variant, each its own architecture (src/lab/architecture.ts); joinVariants makes their results one, which
 * the figure draws side by side. A plain network has no stream: its line is Z_l, what each layer hands to the next,
 * against theory's Z_l. The joined JSON gives every series the architecture it ran on.
 */
import { type ArchitectureConfig, INVERSE_SQRT_DEPTH, type NormKind } from '../lab/architecture';
import type { ExperimentConfig } from '../lab/config';
import type { RunResult } from '../lab/results';
import { type TheorySeries, theoryCurves } from '../lab/theory';
import { BACKWARD_DRAWS, CLAIM_MIN_WIDTH, type Draws, trialsFor } from './sectionConfigs';

/** One network of the depth figures: its label, and what it changes of the plain network. */
export interface NetworkVariant {
  id: string;
  label: string;
  architecture: Pick<ArchitectureConfig, 'kind' | 'branchScale' | 'zeroInitLast'>;
}

export const NETWORK_VARIANTS: NetworkVariant[] = [
  { id: 'plain', label: 'plain: Z_l', architecture: { kind: 'plain', branchScale: 1, zeroInitLast: false } },
  {
    id: 'alpha-one',
    label: 'residual, α = 1',
    architecture: { kind: 'residual', branchScale: 1, zeroInitLast: false },
  },
  {
    id: 'alpha-sqrt',
    label: 'residual, α = 1/√L',
    architecture: { kind: 'residual', branchScale: INVERSE_SQRT_DEPTH, zeroInitLast: false },
  },
  {
    id: 'zero-last',
    label: 'residual, zero-init last',
    architecture: { kind: 'residual', branchScale: 1, zeroInitLast: true },
  },
];

/** The depth figures' networks: a residual one of width 100 and depth 8 is 1.6e5 multiply–adds a row, so 12 of them. */
export const RESIDUAL_DRAWS: Draws = { most: 16, least: 8, work: 2e6 };

/** The two depth figures: without normalization, and with LayerNorm before every φ. */
export const DEPTH_FIGURES: { id: string; norm: NormKind }[] = [
  { id: 'residual', norm: 'none' },
  { id: 'residual-norm', norm: 'layer' },
];

/** The reader's network as `variant`, with normalization `norm`. */
export function variantConfig(config: ExperimentConfig, variant: NetworkVariant, norm: NormKind): ExperimentConfig {
  const base: ExperimentConfig = {
    ...config,
    width: Math.max(config.width, CLAIM_MIN_WIDTH),
    sweep: [{ kind: 'he-normal' }],
    axes: { width: null, depth: null, lr: null },
  };
  // Every variant draws as many networks as the residual one affords, so the bands compare like with like.
  const residual = { ...base, architecture: { ...config.architecture, kind: 'residual' as const } };
  return {
    ...base,
    trials: trialsFor(residual, RESIDUAL_DRAWS),
    architecture: { ...config.architecture, ...variant.architecture, norm },
  };
}

/** The reader's own sweep (the seed experiment's σ) through a plain network with LayerNorm before every φ. */
export function layerNormSweepConfig(config: ExperimentConfig): ExperimentConfig {
  const normalized: ExperimentConfig = {
    ...config,
    axes: { width: null, depth: null, lr: null },
    architecture: { ...config.architecture, kind: 'plain', norm: 'layer' },
  };
  return { ...normalized, trials: trialsFor(normalized, BACKWARD_DRAWS) };
}

/** The variants' results as one result of one series each, the plain network's Z_l standing in for a stream. */
export function joinVariants(results: RunResult[]): { result: RunResult; theory: TheorySeries[] } {
  const theory = results.map((r) => {
    const series = theoryCurves(r.config)[0];
    if (r.config.architecture.kind === 'residual') return series;
    return { ...series, layers: series.layers.map((l) => ({ ...l, stream: l.pre })) };
  });
  const series = results.map((r, i) => {
    const s = r.series[0];
    const layers =
      r.config.architecture.kind === 'residual' ? s.layers : s.layers.map((l) => ({ ...l, stream: l.pre }));
    return { ...s, label: NETWORK_VARIANTS[i].label, architecture: r.config.architecture, layers };
  });
  const residual = results.find((r) => r.config.architecture.kind === 'residual') ?? results[0];
  const totalMs = results.reduce((sum, r) => sum + r.timings.totalMs, 0);
  return { result: { ...residual, series, timings: { totalMs } }, theory };
}
