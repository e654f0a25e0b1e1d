/**
 * The experiments of the page's sections beyond one input's variance, derived from the reader's (its seed, and for
 * the phase diagram its activation and any `phase` grid): pairs through tanh around the edge of chaos, phase diagrams,
 * and Jacobian spectra at criticality. Sized to redraw without waiting for Run (main.ts's AUTO_RUN_WORK), each a few
 * million multiply–adds.
 */

import type { ActivationName } from '../lab/activations';
import { bindActivation } from '../lab/activations';
import type { ExperimentConfig, PhaseSpec } from '../lab/config';
import { criticalSigmaW } from '../lab/phase';
import { inputElement } from '../lab/sampling';

/** σ_b of the correlation section's networks, Poole et al.'s example: it moves tanh's critical σ_w above 1. */
export const CORRELATION_SIGMA_B = 0.1;
/** Ordered and chaotic σ_w on either side of the edge (the NOTES example values: χ₁ ≈ 0.61 and ≈ 1.60). */
export const ORDERED_SIGMA_W = 0.8;
export const CHAOTIC_SIGMA_W = 2.5;
/** Each pair enters at this cosine, so the figure shows pairs drawn together (order) and pulled apart (chaos). */
export const ENTRY_CORRELATION = 0.6;

let critical: number | null = null;
/** tanh's critical σ_w at σ_b = 0.1, to four digits: χ₁(q*) = 1 there. */
export function criticalTanhSigmaW(): number {
  critical ??= Number(criticalSigmaW(bindActivation('tanh', { slope: 0 }), CORRELATION_SIGMA_B, 0.5, 4)!.toFixed(4));
  return critical;
}

/** Pairs through tanh at three σ_w: ordered, critical, chaotic; 8 pairs of width 64, 16 layers, two networks each. */
export function correlationConfig(config: ExperimentConfig): ExperimentConfig {
  return {
    ...config,
    trials: 2,
    depth: 16,
    width: 64,
    activation: 'tanh',
    bias: { kind: 'normal', sigma: CORRELATION_SIGMA_B },
    input: { distribution: 'pairs', batch: 16, width: 64, correlation: ENTRY_CORRELATION },
    sweep: [ORDERED_SIGMA_W, criticalTanhSigmaW(), CHAOTIC_SIGMA_W].map((gain) => ({ kind: 'he-normal', gain })),
  };
}

/** The page's grid when the reader's config has none: σ_w across both sides of the edge, σ_b from 0. */
export const PAGE_PHASE: PhaseSpec = { sigmaW: [0.3, 3, 10], sigmaB: [0, 0.7, 8] };

/** A phase diagram of `activation`: 80 networks of 10 layers of 32, two pairs each. */
export function phaseConfig(config: ExperimentConfig, activation: ActivationName): ExperimentConfig {
  return {
    ...config,
    activation,
    trials: 1,
    depth: 10,
    width: 32,
    input: { distribution: 'pairs', batch: 4, width: 32, correlation: ENTRY_CORRELATION },
    phase: config.phase ?? PAGE_PHASE,
  };
}

/** The Jacobian section's activations, each at its critical σ_w with σ_b = 0: linear 1, ReLU √2 (He), tanh 1. */
export const ISOMETRY_NETWORKS = [
  { activation: 'linear', gain: 1 },
  { activation: 'relu', gain: Math.SQRT2 },
  { activation: 'tanh', gain: 1 },
] as const;
/** The input's scale: q₀ = 0.01 keeps tanh near its linear regime, where the critical line's q* → 0 lies. */
export const ISOMETRY_INPUT_SCALE = 0.1;
const ISOMETRY_WIDTH = 32;

/** Gaussian and orthogonal weights at the activation's critical gain, J at one small random input, two networks. */
export function isometryConfig(config: ExperimentConfig, activation: ActivationName, gain: number): ExperimentConfig {
  const shape = { distribution: 'normal', width: ISOMETRY_WIDTH } as const;
  const values = Array.from(
    { length: ISOMETRY_WIDTH },
    (_, c) => ISOMETRY_INPUT_SCALE * inputElement(shape, config.seed, 0, 0, c),
  );
  return {
    ...config,
    trials: 2,
    depth: 16,
    width: ISOMETRY_WIDTH,
    activation,
    bias: 0,
    input: { values },
    sweep: [
      { kind: 'he-normal', gain },
      { kind: 'orthogonal', gain },
    ],
  };
}
