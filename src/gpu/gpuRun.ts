/**
 * One run on the GPU, in named steps: each series, each trial of it, each pass over the trial's chunks (two passes
 * when histograms of a batch in several chunks need every chunk's range first, see histogramSet.ts). Chunk results
 * are merged in float64 (Chan) and recorded by the series recorder both engines share.
 */
import type { BoundActivation } from '../lab/activations';
import { isPlainMlp, weightMatrices } from '../lab/architecture';
import { isZeroBias } from '../lab/bias';
import { type ExperimentConfig, inputWidth } from '../lab/config';
import { type Progress, type ResolvedOptions, throwIfAborted } from '../lab/engine';
import { initLabel, type WeightDistribution, weightDistribution } from '../lab/initializers';
import { spectrumOf } from '../lab/jacobian';
import { type CarryRoute, carryRangeFlags } from '../lab/rangeCarry';
import { type LayerHistograms, QUANTITIES, type Quantity, type SeriesResult } from '../lab/results';
import { SeriesRecorder } from '../lab/seriesRecorder';
import { emptyPartial, mergeMoments, type Partial, toMoments } from '../lab/stats';
import { ChunkRunner } from './chunkRunner';
import type { GpuContext } from './device';
import { type HistogramPhase, type HistogramScales, HistogramSet } from './histogramSet';
import type { ChunkExponents, ChunkLayer, Pace, TrialNetwork, WeightGradPass } from './job';
import type { Kernels } from './kernels';
import { networkOf } from './networkPass';
import { type RunLayout, unitBlocks, weightGradPasses } from './plan';
import type { RunBuffers } from './runBuffers';
import { float64Flags } from './scale';

/** A zeroInitLast matrix: the constant 0, drawn by the weights kernel like any constant. */
const ZERO_WEIGHTS: WeightDistribution = { shape: 'constant', scale: 0 };

/** One layer of one trial, merged over its chunks; `nonZero` tells a true zero from an underflow. */
type TrialLayer = Record<Quantity, { partial: Partial; nonZero: boolean; present: boolean }>;

const emptyTrialLayer = (): TrialLayer =>
  Object.fromEntries(
    QUANTITIES.map((q) => [q, { partial: emptyPartial(), nonZero: false, present: false }]),
  ) as TrialLayer;

/** Adds a chunk's figures of `quantities` to a trial's. */
function addChunkLayer(into: TrialLayer, layer: ChunkLayer, quantities: readonly Quantity[]): void {
  for (const q of quantities) {
    const p = layer[q];
    if (!p) continue;
    into[q] = {
      partial: mergeMoments(into[q].partial, p),
      nonZero: into[q].nonZero || p.mean !== 0 || p.m2 !== 0,
      present: true,
    };
  }
}

export interface RunHooks {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export class GpuRun {
  private readonly histograms: HistogramSet | null;
  private readonly runner: ChunkRunner;
  private readonly exact: boolean;
  /** How a value float32 could not hold makes the figures computed from it unreliable (rangeCarry.ts). */
  private readonly carryRoute: CarryRoute;
  private readonly passes: WeightGradPass[];
  /**
   * Histograms count a layer in pieces (chunks, or blocks of weights) against one range: the range of every piece
   * first, then the counts, in two passes over trial 0 (see histogramSet.ts).
   */
  private readonly twoPhases: boolean;
  /** Layer steps in all, and done so far, for progress. */
  private readonly steps: number;
  private done = 0;

  constructor(
    private readonly gpu: GpuContext,
    kernels: Kernels,
    pace: Pace,
    private readonly config: ExperimentConfig,
    private readonly activation: BoundActivation,
    private readonly resolved: ResolvedOptions,
    private readonly layout: RunLayout,
    buffers: RunBuffers,
    private readonly hooks: RunHooks,
  ) {
    const { shape } = layout;
    // Other networks are computed at their values' own scale: beyond float32 they are flagged (networkChunk.ts).
    this.exact = activation.homogeneous && isZeroBias(config.bias) && isPlainMlp(config.architecture);
    const { kind, norm } = config.architecture;
    this.carryRoute = {
      residual: kind === 'residual',
      normalized: norm !== 'none',
      constantSlope: activation.constantSlope,
      backward: resolved.backward,
      precision: 'float32',
    };
    const bins = resolved.histogramBins;
    this.histograms = bins ? new HistogramSet(gpu.device, kernels, config.depth, bins) : null;
    const blocks = unitBlocks(shape);
    this.runner = new ChunkRunner(gpu, kernels, buffers, pace, { forwardColumns: shape.forwardColumns, blocks });
    this.passes = weightGradPasses(shape);
    const piecewise = shape.forwardColumns < shape.width || (shape.backward && blocks.some((b) => b.length > 1));
    this.twoPhases = shape.chunks > 1 || piecewise;
    const trialPasses = this.histograms && this.twoPhases ? config.trials + 1 : config.trials;
    const chunkRuns = trialPasses * this.passes.length * shape.chunks;
    this.steps = config.sweep.length * chunkRuns * config.depth * (resolved.backward ? 2 : 1);
  }

  /** Every trial of series `s`; its captured rows (trial 0) go into `captured`, one array per layer. */
  async series(s: number, captured: Float64Array[]): Promise<SeriesResult> {
    const spec = this.config.sweep[s];
    const recorder = new SeriesRecorder(this.config.depth);
    let histograms: LayerHistograms[] | undefined;
    const spectra: Float64Array[] = [];
    for (let trial = 0; trial < this.config.trials; trial++) {
      const net = this.network(s, trial);
      const counted = await this.trial(net, recorder, captured, spectra);
      histograms ??= counted;
    }
    const jacobian = this.resolved.jacobian ? { jacobian: spectrumOf(this.resolved.rows[0], spectra) } : {};
    return {
      label: initLabel(spec),
      init: spec,
      layers: recorder.layers(),
      ...(histograms ? { histograms } : {}),
      ...jacobian,
    };
  }

  destroy(): void {
    this.histograms?.destroy();
  }

  private network(series: number, trial: number): TrialNetwork {
    const { config } = this;
    const n0 = inputWidth(config);
    const { architecture } = config;
    const weights = weightMatrices(architecture, n0, config.width, config.depth).map((m) =>
      m.zero ? ZERO_WEIGHTS : weightDistribution(config.sweep[series], m.fanIn, m.fanOut),
    );
    return {
      seed: config.seed,
      series,
      trial,
      depth: config.depth,
      width: config.width,
      inputWidth: n0,
      activationId: this.activation.id,
      slope: config.slope,
      bias: config.bias,
      exact: this.exact,
      weights,
      architecture: networkOf(config, this.activation, n0),
      input: config.input,
    };
  }

  /**
   * One trial: its passes over the chunks, recorded, its Jacobian's singular values into `spectra`; returns its
   * histograms when this trial counts them.
   */
  private async trial(
    net: TrialNetwork,
    recorder: SeriesRecorder,
    captured: Float64Array[],
    spectra: Float64Array[],
  ): Promise<LayerHistograms[] | undefined> {
    const counting = net.trial === 0 ? this.histograms : null;
    counting?.reset();
    const phases: (HistogramPhase | null)[] = !counting ? [null] : this.twoPhases ? ['range', 'count'] : ['both'];
    // Later chunks, passes and phases reuse the first chunk's exponents (see ChunkJob.shared).
    let shared: ChunkExponents | null = null;
    let merged: TrialLayer[] = [];
    let scales: HistogramScales[] = [];
    for (const phase of phases) {
      merged = Array.from({ length: net.depth }, emptyTrialLayer);
      for (const pass of this.passes) {
        const done = await this.pass(net, phase, pass, shared, merged, recorder, captured);
        ({ shared, scales } = done);
        if (done.singularValues) spectra.push(done.singularValues);
      }
    }
    merged.forEach((m, i) => {
      for (const q of QUANTITIES) {
        if (!m[q].present) continue;
        const moments = toMoments(m[q].partial);
        recorder.record(i, q, moments);
        recorder.flag(i, float64Flags(moments, m[q].nonZero, q));
      }
    });
    if (!counting) return undefined;
    return counting.read((work) => this.gpu.settle(work), scales, this.resolved.backward);
  }

  /**
   * One pass of a trial over its chunks, in order, merging their layers into `merged`: every figure from the first
   * pass, and from later passes the ∂L/∂W blocks they computed.
   */
  private async pass(
    net: TrialNetwork,
    phase: HistogramPhase | null,
    pass: WeightGradPass,
    sharedBefore: ChunkExponents | null,
    merged: TrialLayer[],
    recorder: SeriesRecorder,
    captured: Float64Array[],
  ): Promise<{ shared: ChunkExponents | null; scales: HistogramScales[]; singularValues?: Float64Array }> {
    const { chunks } = this.layout;
    const captureIndex = new Map(this.resolved.captureRows.map((row, index) => [row, index]));
    const quantities = pass.index === 0 ? QUANTITIES : (['weightGrad'] as const);
    let shared = sharedBefore;
    let scales: HistogramScales[] = [];
    let singularValues: Float64Array | undefined;
    for (const [c, rows] of chunks.entries()) {
      throwIfAborted(this.hooks.signal);
      const capture =
        net.trial === 0
          ? rows.flatMap((row, position) =>
              captureIndex.has(row) ? [{ position, index: captureIndex.get(row)! }] : [],
            )
          : [];
      const counting = net.trial === 0 ? this.histograms : null;
      const outcome = await this.runner.run(
        {
          net,
          pass,
          rows,
          capture,
          captureInto: captured,
          place: { first: c === 0, last: c === chunks.length - 1 },
          backward: this.resolved.backward,
          histograms: counting && phase ? { set: counting, phase } : null,
          shared,
          // The Jacobian at the trial's first row, once: in the first chunk of the first pass and phase.
          jacobian:
            this.resolved.jacobian && c === 0 && pass.index === 0 && phase !== 'count'
              ? { activation: this.activation }
              : null,
        },
        {
          signal: this.hooks.signal,
          onLayer: (layer) =>
            this.hooks.onProgress?.({
              done: ++this.done,
              total: this.steps,
              series: net.series,
              trial: net.trial,
              layer,
            }),
        },
      );
      if (this.resolved.backward || counting) shared ??= outcome.exponents;
      scales = outcome.scales;
      singularValues ??= outcome.singularValues;
      const flags = carryRangeFlags(
        outcome.layers.map((l) => l.flags),
        this.carryRoute,
      );
      outcome.layers.forEach((l, i) => {
        addChunkLayer(merged[i], l, quantities);
        recorder.flag(i, flags[i]);
      });
    }
    return { shared, scales, singularValues };
  }
}
