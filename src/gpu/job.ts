/**
 * The GPU engine's job vocabulary: what a run is cut into and what each piece returns. A run is series × trials ×
 * chunks of batch rows; a chunk goes through every layer forward (chunkRunner.ts) and back (backwardPass.ts). This
 * module holds only types and the few values every step reads, so the steps import it and not each other.
 */
import type { BoundActivation } from '../lab/activations';
import type { BiasSpec } from '../lab/bias';
import type { InputSpec } from '../lab/config';
import type { WeightDistribution } from '../lab/initializers';
import type { RangeFlag } from '../lab/results';
import type { Partial } from '../lab/stats';
import type { HistogramPhase, HistogramScales, HistogramSet } from './histogramSet';
import type { PassNetwork } from './networkPass';

/** The network one series and trial runs, resolved from the config once: what a chunk's kernels read. */
export interface TrialNetwork {
  seed: number;
  series: number;
  trial: number;
  depth: number;
  width: number;
  inputWidth: number;
  activationId: number;
  slope: number;
  /** The biases of every layer: one constant, or drawn per unit (src/lab/bias.ts). */
  bias: BiasSpec;
  /** Homogeneous φ and zero bias: compute mantissas and carry exponents (see scale.ts). */
  exact: boolean;
  /**
   * Each matrix's distribution by its address (src/lab/architecture.ts), address a at index a − 1: W_l for a plain
   * network; W_in, then each block's W_{l,1} and W_{l,2} for a residual one (a zero matrix as the constant 0).
   */
  weights: WeightDistribution[];
  /** Any network but the plain MLP without normalization, as the network pass reads it (networkPass.ts); else null. */
  architecture: PassNetwork | null;
  input: InputSpec;
}

/** The fan-in of the matrix at address `layer` (1-based): the input width for the first, the width after it. */
export const fanInOf = (net: TrialNetwork, layer: number) => (layer === 1 ? net.inputWidth : net.width);

/** Where the chunk sits in its trial: ∂L/∂W sums over all chunks, and only the last takes its statistics. */
export interface ChunkPlace {
  first: boolean;
  last: boolean;
}

/** The renormalisation exponents a chunk chose, per layer: k of Z_l and j of ∂L/∂Z_l. */
export interface ChunkExponents {
  forward: number[];
  backward: number[];
}

/**
 * One pass of a trial over its chunks. A batch in several chunks keeps each ∂L/∂W block's sum across them, and when
 * the budget cannot keep every block at once, the trial passes over its chunks again for the next blocks (plan.ts).
 */
export interface WeightGradPass {
  index: number;
  /** The ∂L/∂W blocks this pass computes, by global index (layer by layer, then by units): [first, end). */
  first: number;
  end: number;
  /** Blocks keep their sums across the chunks, block g in sum slot g − first. */
  keepsSums: boolean;
}

/** Layout of the run's blocks: per layer, its ∂L/∂W (and backward weight) blocks of input units. */
export interface UnitBlock {
  /** Global index over every layer's blocks. */
  global: number;
  unitOffset: number;
  units: number;
}

export interface ChunkJob {
  net: TrialNetwork;
  pass: WeightGradPass;
  rows: number[];
  /** Captured rows in this chunk (trial 0 only): position in `rows` → index in the run's capture. */
  capture: { position: number; index: number }[];
  /** Per layer, [captureCount × width] pre-activations at true scale, filled for the captured rows. */
  captureInto: Float64Array[];
  place: ChunkPlace;
  backward: boolean;
  /** Trial 0 of a run with histograms: the set to fill and the phase (see histogramSet.ts). */
  histograms: { set: HistogramSet; phase: HistogramPhase } | null;
  /**
   * Exponents to reuse instead of choosing them: later chunks take the first chunk's, so that the chunks' ∂L/∂W add,
   * and their values are counted into one histogram, at one scale.
   */
  shared: ChunkExponents | null;
  /** Take the Jacobian at the chunk's first row (the trial's first chunk, in its first pass), with φ′ of this φ. */
  jacobian: { activation: BoundActivation } | null;
}

/** One layer's statistics over a chunk, at their true scale, in float64. */
export interface ChunkLayer {
  pre: Partial;
  post: Partial;
  /** ∂L/∂Z_l over the chunk's rows, with a backward pass. */
  grad?: Partial;
  /** ∂L/∂W_l over the whole trial's rows, merged over the blocks this pass computed: from the last chunk only. */
  weightGrad?: Partial;
  /** A residual block's stream and branch, and with a backward pass ∂L/∂x_{l+1} and ∂L/∂W_{l,2}. */
  stream?: Partial;
  branch?: Partial;
  streamGrad?: Partial;
  branchWeightGrad?: Partial;
  /** With a pairs input: the cosines of the chunk's pairs at Z_l. */
  correlation?: Partial;
  flags: RangeFlag[];
}

export interface ChunkOutcome {
  layers: ChunkLayer[];
  exponents: ChunkExponents;
  /** Per layer, the power of two from each quantity's GPU values to its true values. */
  scales: HistogramScales[];
  /** The Jacobian's singular values, when the job took it. */
  singularValues?: Float64Array;
}

export interface ChunkHooks {
  signal?: AbortSignal;
  onLayer: (layer: number) => void;
}

/** The device's measured speed, shared by the chunks of a run and kept across runs to size slabs. */
export interface Pace {
  macsPerMs: number;
  /** Target duration of one dispatch. */
  sliceMs: number;
}
