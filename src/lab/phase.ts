/**
 * The phase diagram (Poole et al. 2016; Schoenholz et al. 2017): a grid over (σ_w, σ_b) from the config's `phase`, each
 * point a network of the config's depth, width and activation with W ~ N(0, σ_w²/n_in) and b ~ N(0, σ_b²) — He normal
 * with gain σ_w and the normal bias initializer, so that a point is exactly series 0 of `pointConfig`, which the page
 * loads into the experiment — fed the config's pairs input. Every point scales the same unit draws of the stream
 * (weights, biases, inputs): common random numbers, so neighbouring points differ by their σ's alone, and the GPU
 * multiplies the rows of every point by one weight matrix.
 *
 * Measured at the last layer L, averaged over the trials: q_L = E[Z_L²] over the point's rows and units; c_L, the mean
 * cosine of its pairs; and χ₁, the mean squared singular value of the last layer's Jacobian ∂Z_L/∂Z_{L−1} at its rows,
 *   χ₁ = (1/n)·Σ_i E_rows[φ′(Z_{L−1,i})²]·Σ_j W_{L,ij}²,
 * how much the layer stretches a small perturbation, on average over directions. Theory beside them (meanField.ts):
 * q*, the length map's limit from the input's q₁ = σ_w² + σ_b² (null when q grows without bound), χ₁ at q*, and c_L by
 * the mean field from the inputs' c₀.
 */
import { type BoundActivation, bindActivation } from './activations';
import { type ExperimentConfig, inputWidth, pairsInput } from './config';
import { axisValues } from './configPhase';
import type { ConfigError } from './configValues';
import { chi1, lengthFixedPoint, type MeanFieldPoint, pairPropagation } from './meanField';

/** The networks of a phase diagram are many and each is drawn whole: at most this wide. */
export const MAX_PHASE_WIDTH = 4096;

export interface PhaseFigure {
  measured: number | null;
  theory: number | null;
}

export interface PhasePoint {
  sigmaW: number;
  sigmaB: number;
  qStar: PhaseFigure;
  chi1: PhaseFigure;
  correlation: PhaseFigure;
}

/** What an engine measures at one grid point, averaged over the trials; null where its arithmetic could not hold it. */
export interface PhaseMeasurement {
  qLast: number | null;
  chi1: number | null;
  correlation: number | null;
}

/** Each figure's mean over the trials that hold it (a finite value); null when none does. */
export function averageTrials(trials: PhaseMeasurement[]): PhaseMeasurement {
  const mean = (key: keyof PhaseMeasurement) => {
    const held = trials.map((t) => t[key]).filter((v): v is number => v !== null && Number.isFinite(v));
    return held.length ? held.reduce((a, b) => a + b, 0) / held.length : null;
  };
  return { qLast: mean('qLast'), chi1: mean('chi1'), correlation: mean('correlation') };
}

/** The grid's points, σ_b outer and σ_w inner: point b·(σ_w steps) + w. */
export function phasePoints(config: ExperimentConfig): { sigmaW: number; sigmaB: number }[] {
  const phase = config.phase!;
  const [ws, bs] = [axisValues(phase.sigmaW), axisValues(phase.sigmaB)];
  return bs.flatMap((sigmaB) => ws.map((sigmaW) => ({ sigmaW, sigmaB })));
}

/** The network at (σ_w, σ_b), as a config whose series 0 it is. */
export function pointConfig(config: ExperimentConfig, sigmaW: number, sigmaB: number): ExperimentConfig {
  const { phase: _, ...rest } = config;
  return { ...rest, bias: { kind: 'normal', sigma: sigmaB }, sweep: [{ kind: 'he-normal', gain: sigmaW }] };
}

/** What a config lacks for a phase diagram, as errors naming the field; none when it can run. */
export function phaseProblems(config: ExperimentConfig): ConfigError[] {
  const errors: ConfigError[] = [];
  if (!config.phase)
    errors.push({
      field: 'phase',
      value: undefined,
      allowed: 'required: {"sigmaW": [from, to, steps], "sigmaB": [...]}',
    });
  if (!pairsInput(config))
    errors.push({
      field: 'input',
      value: config.input,
      allowed: 'a pairs input, {"distribution": "pairs", ...}: each point measures the correlation of its pairs',
    });
  if (config.depth < 2)
    errors.push({
      field: 'depth',
      value: config.depth,
      allowed: 'at least 2: χ₁ is measured between the last two layers',
    });
  const widest = Math.max(config.width, inputWidth(config));
  if (widest > MAX_PHASE_WIDTH)
    errors.push({
      field: 'width',
      value: widest,
      allowed: `at most ${MAX_PHASE_WIDTH} (also the input width) for a phase diagram`,
    });
  return errors;
}

/** Multiply–adds of the sweep: every point's rows through every layer, every trial. */
export function phaseWork(config: ExperimentConfig): number {
  const rows = pairsInput(config)?.batch ?? 0;
  const perNetwork = rows * (inputWidth(config) * config.width + (config.depth - 1) * config.width ** 2);
  return phasePoints(config).length * config.trials * perNetwork;
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

/** Theory at one point: q*, χ₁ there (q-free for homogeneous φ), and c_L. */
export function pointTheory(config: ExperimentConfig, phi: BoundActivation, sigmaW: number, sigmaB: number) {
  const point: MeanFieldPoint = { phi, sigmaW, sigmaB };
  const qStar = lengthFixedPoint(point, sigmaW ** 2 + sigmaB ** 2);
  const slope = Number.isFinite(qStar) ? chi1(point, qStar) : phi.homogeneous ? chi1(point, 1) : NaN;
  const input = { same: 1, cross: pairsInput(config)!.correlation };
  const { c } = pairPropagation(point, input, config.depth);
  return { qStar: finite(qStar), chi1: finite(slope), correlation: c[config.depth - 1] };
}

/** The grid with theory beside each measurement, in `phasePoints` order. */
export function phaseGrid(config: ExperimentConfig, measured: PhaseMeasurement[]): PhasePoint[] {
  const phi = bindActivation(config.activation, config);
  return phasePoints(config).map(({ sigmaW, sigmaB }, i) => {
    const theory = pointTheory(config, phi, sigmaW, sigmaB);
    const m = measured[i];
    return {
      sigmaW,
      sigmaB,
      qStar: { measured: m.qLast, theory: theory.qStar },
      chi1: { measured: m.chi1, theory: theory.chi1 },
      correlation: { measured: m.correlation, theory: theory.correlation },
    };
  });
}

/** Bisection steps for the boundary: σ_w to 2^-26 of its bracket (5e-8 of [0.5, 4]); closer to a critical point q* creeps. */
const BISECTIONS = 26;

/**
 * The theoretical order–chaos boundary at σ_b: the σ_w in [low, high] where χ₁ at q* crosses 1, or null when it does
 * not cross there. ReLU's χ₁ = σ_w²/2 at every σ_b puts it at σ_w = √2; at σ_b = 0 that is He initialization.
 */
export function criticalSigmaW(phi: BoundActivation, sigmaB: number, low: number, high: number): number | null {
  const excess = (sigmaW: number) => {
    const point = { phi, sigmaW, sigmaB };
    const qStar = lengthFixedPoint(point, sigmaW ** 2 + sigmaB ** 2);
    return (Number.isFinite(qStar) ? chi1(point, qStar) : Infinity) - 1;
  };
  let [a, b] = [low, high];
  if (excess(a) >= 0 || excess(b) <= 0) return null;
  for (let i = 0; i < BISECTIONS; i++) {
    const middle = (a + b) / 2;
    if (excess(middle) < 0) a = middle;
    else b = middle;
  }
  return (a + b) / 2;
}

/**
 * The measured boundary: along each σ_b row of the grid, the σ_w where measured χ₁ first crosses 1, interpolated
 * linearly between the two points around it; null for a row where it does not cross.
 */
export function measuredBoundary(
  grid: PhasePoint[],
  sigmaWSteps: number,
): ({ sigmaB: number; sigmaW: number } | null)[] {
  const rows = grid.length / sigmaWSteps;
  return Array.from({ length: rows }, (_, r) => {
    const row = grid.slice(r * sigmaWSteps, (r + 1) * sigmaWSteps);
    for (let i = 1; i < row.length; i++) {
      const [a, b] = [row[i - 1].chi1.measured, row[i].chi1.measured];
      if (a === null || b === null || a >= 1 || b < 1) continue;
      const t = (1 - a) / (b - a);
      return { sigmaB: row[i].sigmaB, sigmaW: row[i - 1].sigmaW + t * (row[i].sigmaW - row[i - 1].sigmaW) };
    }
    return null;
  });
}
