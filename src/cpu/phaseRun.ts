/**
 * The float64 reference of the phase diagram (src/lab/phase.ts): every grid point's network, layer after layer. Each
 * layer's unit weights Ŵ_l and biases b̂_l are drawn once per trial and shared by the points, each scaling them by its
 * own σ's: Z = (σ_w/√n_in)·(A·Ŵ_l) + σ_b·b̂_l — series 0 of the point's config, number for number up to rounding.
 * Points go in groups whose activations fit MAX_GROUP_VALUES, so memory stays bounded however large the grid.
 */
import { type BoundActivation, bindActivation } from '../lab/activations';
import { layerBiases } from '../lab/bias';
import { type ExperimentConfig, inputWidth, pairsInput } from '../lab/config';
import { type Progress, throwIfAborted } from '../lab/engine';
import { pairCosines } from '../lab/pairs';
import { averageTrials, type PhaseMeasurement, phasePoints } from '../lab/phase';
import { sampleWeights } from '../lab/sampling';
import { affineRows, inputMatrix } from './layers';

/** Activations held at once: 16 M float64 values, 128 MiB. */
const MAX_GROUP_VALUES = 2 ** 24;
const YIELD_EVERY_MS = 30;
const UNIT_NORMAL = { shape: 'normal', scale: 1 } as const;

export interface PhaseHooks {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/** E_rows[φ′(Z_{·,i})²] per unit i of a [rows × width] matrix. */
function slopeSquares(z: Float64Array, rows: number, width: number, phi: BoundActivation): Float64Array {
  const m = new Float64Array(width);
  for (let r = 0; r < rows; r++) for (let i = 0; i < width; i++) m[i] += phi.df(z[r * width + i]) ** 2 / rows;
  return m;
}

/** Σ_j Ŵ_ij² per row i of a [fanIn × width] matrix. */
function rowSquares(w: Float64Array, fanIn: number, width: number): Float64Array {
  const r = new Float64Array(fanIn);
  for (let i = 0; i < fanIn; i++) for (let j = 0; j < width; j++) r[i] += w[i * width + j] ** 2;
  return r;
}

export async function runPhaseOnCpu(config: ExperimentConfig, hooks: PhaseHooks): Promise<PhaseMeasurement[]> {
  const points = phasePoints(config);
  const phi = bindActivation(config.activation, config);
  const rows = pairsInput(config)!.batch;
  const { width, depth, seed } = config;
  const group = Math.max(1, Math.floor(MAX_GROUP_VALUES / (rows * Math.max(width, inputWidth(config)))));
  const perTrial: PhaseMeasurement[][] = points.map(() => []);
  const total = config.trials * points.length * depth;
  let done = 0;
  let lastYield = performance.now();
  const pace = async (trial: number, layer: number) => {
    done += 1;
    if (performance.now() - lastYield < YIELD_EVERY_MS) return;
    hooks.onProgress?.({ done, total, series: 0, trial, layer });
    await new Promise((resolve) => setTimeout(resolve, 0));
    lastYield = performance.now();
    throwIfAborted(hooks.signal);
  };
  for (let trial = 0; trial < config.trials; trial++) {
    const x = inputMatrix(
      config,
      trial,
      Array.from({ length: rows }, (_, r) => r),
    );
    for (let first = 0; first < points.length; first += group) {
      const members = points.slice(first, first + group);
      let inputs: Float64Array[] = members.map(() => x);
      let slopes: Float64Array[] = [];
      for (let layer = 1; layer <= depth; layer++) {
        throwIfAborted(hooks.signal);
        const fanIn = layer === 1 ? inputWidth(config) : width;
        const w = sampleWeights(UNIT_NORMAL, { seed, series: 0, trial, layer }, fanIn, width);
        const b = layerBiases({ kind: 'normal', sigma: 1 }, seed, trial, layer, width);
        const outputs: Float64Array[] = [];
        for (const [k, { sigmaW, sigmaB }] of members.entries()) {
          const z = new Float64Array(rows * width);
          affineRows(inputs[k], w, z, 0, rows, fanIn, width);
          const scale = sigmaW / Math.sqrt(fanIn);
          for (let e = 0; e < z.length; e++) z[e] = scale * z[e] + sigmaB * b[e % width];
          outputs.push(z);
          await pace(trial, layer);
        }
        if (layer === depth) {
          const norms = rowSquares(w, fanIn, width);
          outputs.forEach((z, k) => {
            const { sigmaW } = members[k];
            const stretch = slopes[k].reduce((sum, m, i) => sum + m * norms[i], 0);
            const cosines = pairCosines(z, rows, width);
            perTrial[first + k].push({
              qLast: z.reduce((sum, v) => sum + v * v, 0) / z.length,
              chi1: (sigmaW ** 2 * stretch) / (fanIn * width),
              correlation: cosines.count ? cosines.mean : null,
            });
          });
        }
        if (layer === depth - 1) slopes = outputs.map((z) => slopeSquares(z, rows, width, phi));
        inputs = outputs.map((z) => z.map(phi.f));
      }
    }
  }
  return perTrial.map(averageTrials);
}
