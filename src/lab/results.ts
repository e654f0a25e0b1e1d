/**
 * What an engine returns, and the JSON the CLI writes and the page exports:
 * {"config", "engine", "series": [{"label", "layers": [{"layer", "pre": {mean, var, meanSq, min, max, median, p10, p90},
 * "post": ...}]}]} (stats.ts's TrialSummary).
 * With backward, each layer also has "grad" (∂L/∂Z_l) and "weightGrad" (∂L/∂W_l); with a pairs input, "correlation"
 * (the cosine of each pair's Z_l); with histograms, each series has "histograms"; with the Jacobian, "jacobian"
 * ({"singularValues", "meanSquare", "min", "max", "p5", "p95", "row"}).
 */
import type { ArchitectureConfig } from './architecture';
import { configJson, type ExperimentConfig } from './config';
import type { Histogram } from './histogram';
import type { InitSpec } from './initializers';
import type { JacobianSpectrum } from './jacobian';
import type { ParametrizationKind } from './parametrization';
import { type PhaseMeasurement, phaseGrid } from './phase';
import type { Moments, TrialSummary } from './stats';

/**
 * The per-layer quantities an engine measures, declared once: Z_l and H_l forward, then the backward pass's ∂L/∂Z_l
 * and ∂L/∂W_l. Every list of them (results, flags, tables, comparisons, the GPU's states) reads these.
 */
export const FORWARD_QUANTITIES = ['pre', 'post'] as const;
export const BACKWARD_QUANTITIES = ['grad', 'weightGrad'] as const;
/**
 * What a residual block adds (src/lab/architecture.ts): forward the stream x_{l+1} and the branch α·F(x_l), backward
 * ∂L/∂x_{l+1} and ∂L/∂W_{l,2}. Absent from plain networks' results.
 */
export const RESIDUAL_FORWARD_QUANTITIES = ['stream', 'branch'] as const;
export const RESIDUAL_BACKWARD_QUANTITIES = ['streamGrad', 'branchWeightGrad'] as const;
/** With a pairs input: the cosine of each pair's pre-activations, over the pairs (src/lab/pairs.ts). */
export const PAIR_QUANTITIES = ['correlation'] as const;
export const QUANTITIES = [
  ...FORWARD_QUANTITIES,
  ...RESIDUAL_FORWARD_QUANTITIES,
  ...BACKWARD_QUANTITIES,
  ...RESIDUAL_BACKWARD_QUANTITIES,
  ...PAIR_QUANTITIES,
] as const;
export type ForwardQuantity = (typeof FORWARD_QUANTITIES)[number];
export type BackwardQuantity = (typeof BACKWARD_QUANTITIES)[number];
export type ResidualQuantity =
  | (typeof RESIDUAL_FORWARD_QUANTITIES)[number]
  | (typeof RESIDUAL_BACKWARD_QUANTITIES)[number];
export type Quantity = (typeof QUANTITIES)[number];

/** Each quantity's symbol, as the page's and the terminal's comparisons name it. */
export const QUANTITY_SYMBOLS: Record<Quantity, string> = {
  pre: 'Z',
  post: 'H',
  grad: '∂L/∂Z',
  weightGrad: '∂L/∂W',
  stream: 'x',
  branch: 'α·F(x)',
  streamGrad: '∂L/∂x',
  branchWeightGrad: '∂L/∂W₂',
  correlation: 'cos(Z_a, Z_b)',
};

/**
 * A measurement the engine could not hold in its arithmetic. `underflow`: an element that should be non-zero
 * became 0 or subnormal; `overflow`: it became ±Infinity; `nonfinite`: NaN appeared. Flagged figures are never
 * presented as measurements.
 */
export interface RangeFlag {
  quantity: Quantity;
  kind: 'underflow' | 'overflow' | 'nonfinite';
  /** The arithmetic that could not hold it: float32 on the GPU, float64 on the CPU. */
  precision: 'float32' | 'float64';
}

export interface LayerStats {
  layer: number;
  pre: TrialSummary;
  post: TrialSummary;
  /**
   * With a pairs input: the cosine of the two rows of each pair at Z_l, `mean` over the pairs being the layer's
   * correlation c_l (`var` and `meanSq` over the pairs too); like every figure, averaged over the trials.
   */
  correlation?: TrialSummary;
  flags: RangeFlag[];
  /** ∂L/∂Z_l for L = Σ g_L ⊙ H_L, g_L ~ N(0, 1): present when the run asked for `backward`. */
  grad?: TrialSummary;
  /** ∂L/∂W_l, summed over the batch rows. */
  weightGrad?: TrialSummary;
  /** A residual block's output x_{l+1} and its branch α·F(x_l). */
  stream?: TrialSummary;
  branch?: TrialSummary;
  /** With backward, ∂L/∂x_{l+1} and ∂L/∂W_{l,2} of a residual block. */
  streamGrad?: TrialSummary;
  branchWeightGrad?: TrialSummary;
}

/** Distributions at one layer of trial 0, each over its own data range (src/lab/histogram.ts gives the bin rule). */
export interface LayerHistograms {
  layer: number;
  pre: Histogram;
  post: Histogram;
  weights: Histogram;
  grad?: Histogram;
  weightGrad?: Histogram;
}

/** The network a series ran on, where width or depth is an axis (grid.ts): the JSON gives it for every series. */
export interface GridPlacement {
  width: number;
  depth: number;
  parametrization: ParametrizationKind;
}

/** Where a series ran: its own placement in a grid, else the config's network. */
export function placement(series: Partial<GridPlacement>, config: ExperimentConfig): GridPlacement {
  return {
    width: series.width ?? config.width,
    depth: series.depth ?? config.depth,
    parametrization: series.parametrization ?? config.parametrization.kind,
  };
}

export interface SeriesResult extends Partial<GridPlacement> {
  label: string;
  /** The network this series ran on, where a figure joins runs of several (the page's residual section). */
  architecture?: ArchitectureConfig;
  init: InitSpec;
  layers: LayerStats[];
  /** Present when the run asked for `histogramBins`. */
  histograms?: LayerHistograms[];
  /** Present when the run asked for `jacobian`: J = ∂H_L/∂X's singular values (jacobian.ts). */
  jacobian?: JacobianSpectrum;
}

/** Pre-activations of chosen batch rows, trial 0, for verifying one engine against the other. */
export interface RowCapture {
  rows: number[];
  /** series → layer (0-based) → row-major [rows.length × width] pre-activations. */
  preActivations: Float64Array[][];
}

/** How a GPU run was cut (src/gpu/plan.ts), as the JSON reports it. */
export interface GpuPlanSummary {
  /** The largest buffer the run could use, and how many times an allocation failed and the budget halved. */
  bufferBudget: number;
  retries: number;
  /** The largest buffer it allocated. */
  largestBuffer: number;
  chunks: number;
  chunkRows: number;
  /** Columns of W per block going forward; input units per block going backward (and of ∂L/∂W). */
  forwardColumns: number;
  unitBlock: number;
  /** Passes over the chunks to cover every ∂L/∂W block (1 unless the budget kept only some of their sums). */
  passes: number;
}

export interface RunResult {
  config: ExperimentConfig;
  engine: 'cpu' | 'gpu';
  device?: string;
  /** Bytes of GPU buffers the run allocated (GPU engine only). */
  gpuBytes?: number;
  /** How the GPU engine cut the run to its memory budget (GPU engine only). */
  gpuPlan?: GpuPlanSummary;
  series: SeriesResult[];
  timings: { totalMs: number };
  capture?: RowCapture;
  /** With the run option `phase`: the grid's measurements, in phase.ts's `phasePoints` order (`series` is empty). */
  phase?: PhaseMeasurement[];
}

/** The JSON form of a result (capture and typed arrays left out). */
export function resultJson(result: RunResult): object {
  return {
    config: configJson(result.config),
    engine: result.engine,
    ...(result.device ? { device: result.device } : {}),
    ...(result.gpuBytes !== undefined ? { gpuBytes: result.gpuBytes } : {}),
    ...(result.gpuPlan ? { gpuPlan: result.gpuPlan } : {}),
    timings: result.timings,
    series: result.series.map((s) => ({
      label: s.label,
      init: s.init,
      ...placement(s, result.config),
      ...(s.architecture ? { architecture: s.architecture } : {}),
      layers: s.layers,
      ...(s.histograms ? { histograms: s.histograms } : {}),
      ...(s.jacobian ? { jacobian: s.jacobian } : {}),
    })),
  };
}

/**
 * The JSON `npm run phase` writes (and the page's phase diagram exports): {"config", "engine", "grid", ...}. The
 * config leaves out `sweep` and `bias`, which every grid point sets for itself (phase.ts's pointConfig).
 */
export function phaseResultJson(result: RunResult): object {
  const { sweep: _sweep, bias: _bias, ...shared } = result.config;
  return {
    config: shared,
    engine: result.engine,
    ...(result.device ? { device: result.device } : {}),
    timings: result.timings,
    grid: phaseGrid(result.config, result.phase ?? []),
  };
}

const csvMoments = (m: Moments) => [m.mean, m.var, m.meanSq];

/**
 * CSV: one row per series, layer and quantity (pre, post; stream, branch for a residual network; grad, weightGrad and
 * streamGrad, branchWeightGrad when present), with trial min/max.
 */
export function resultCsv(result: RunResult): string {
  const header = 'series,layer,quantity,mean,var,meanSq,minVar,maxVar,flags';
  const rows = result.series.flatMap((s) =>
    s.layers.flatMap((l) =>
      QUANTITIES.flatMap((q) => {
        const summary = l[q];
        if (!summary) return [];
        const flags = l.flags
          .filter((f) => f.quantity === q)
          .map((f) => `${f.kind}:${f.precision}`)
          .join(' ');
        return [
          [JSON.stringify(s.label), l.layer, q, ...csvMoments(summary), summary.min.var, summary.max.var, flags].join(
            ',',
          ),
        ];
      }),
    ),
  );
  return `${[header, ...rows].join('\n')}\n`;
}
