/**
 * One run on the GPU, in named steps: each series, each trial of it, each pass over the trial's chunks (two passes
 * when histograms of a batch in several chunks need every chunk's range first, see histogramSet.ts). Chunk results
 * are merged in float64 (Chan) and recorded by the series recorder both engines share.
 */
import type { BoundActivation } from '../lab/activations';
import { type ExperimentConfig, inputWidth } from '../lab/config';
import { type Progress, type ResolvedOptions, throwIfAborted } from '../lab/engine';
import { initLabel, weightDistribution } from '../lab/initializers';
import { type LayerHistograms, QUANTITIES, type Quantity, type SeriesResult } from '../lab/results';
import { SeriesRecorder } from '../lab/seriesRecorder';
import { emptyPartial, mergeMoments, type Partial, toMoments } from '../lab/stats';
import { ChunkRunner } from './chunkRunner';
import type { GpuContext } from './device';
import { type HistogramPhase, type HistogramScales, HistogramSet } from './histogramSet';
import type { ChunkExponents, ChunkLayer, Pace, TrialNetwork } from './job';
import type { Kernels } from './kernels';
import type { RunLayout } from './plan';
import { RunBuffers } from './runBuffers';
import { float64Flags } from './scale';

/** One layer of one trial, merged over its chunks; `nonZero` tells a true zero from an underflow. */
type TrialLayer = Record<Quantity, { partial: Partial; nonZero: boolean; present: boolean }>;

const emptyTrialLayer = (): TrialLayer =>
  Object.fromEntries(
    QUANTITIES.map((q) => [q, { partial: emptyPartial(), nonZero: false, present: false }]),
  ) as TrialLayer;

function addChunkLayer(into: TrialLayer, layer: ChunkLayer): void {
  for (const q of QUANTITIES) {
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
  private readonly buffers: RunBuffers;
  private readonly histograms: HistogramSet | null;
  private readonly runner: ChunkRunner;
  private readonly exact: boolean;
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
    private readonly hooks: RunHooks,
  ) {
    this.exact = activation.homogeneous && config.bias === 0;
    this.buffers = new RunBuffers(gpu.device, layout.shape);
    const bins = resolved.histogramBins;
    this.histograms = bins ? new HistogramSet(gpu.device, kernels, config.depth, bins) : null;
    this.runner = new ChunkRunner(gpu, kernels, this.buffers, pace);
    const chunks = layout.chunks.length;
    // Histograms of a batch in several chunks take a second pass over trial 0 (see histogramSet.ts).
    const passes = this.histograms && chunks > 1 ? config.trials + 1 : config.trials;
    this.steps = config.sweep.length * passes * chunks * config.depth * (resolved.backward ? 2 : 1);
  }

  /** Every trial of series `s`; its captured rows (trial 0) go into `captured`, one array per layer. */
  async series(s: number, captured: Float64Array[]): Promise<SeriesResult> {
    const spec = this.config.sweep[s];
    const recorder = new SeriesRecorder(this.config.depth);
    let histograms: LayerHistograms[] | undefined;
    for (let trial = 0; trial < this.config.trials; trial++) {
      const net = this.network(s, trial);
      const counted = await this.trial(net, recorder, captured);
      histograms ??= counted;
    }
    return { label: initLabel(spec), init: spec, layers: recorder.layers(), ...(histograms ? { histograms } : {}) };
  }

  destroy(): void {
    this.buffers.destroy();
    this.histograms?.destroy();
  }

  private network(series: number, trial: number): TrialNetwork {
    const { config } = this;
    const n0 = inputWidth(config);
    const weights = Array.from({ length: config.depth }, (_, i) =>
      weightDistribution(config.sweep[series], i === 0 ? n0 : config.width, config.width),
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
      input: config.input,
    };
  }

  /** One trial: its passes over the chunks, recorded; returns its histograms when this trial counts them. */
  private async trial(
    net: TrialNetwork,
    recorder: SeriesRecorder,
    captured: Float64Array[],
  ): Promise<LayerHistograms[] | undefined> {
    const counting = net.trial === 0 ? this.histograms : null;
    counting?.reset();
    const phases: (HistogramPhase | null)[] = !counting
      ? [null]
      : this.layout.chunks.length > 1
        ? ['range', 'count']
        : ['both'];
    // Later chunks, and the counting pass, reuse the first chunk's exponents (see ChunkJob.shared).
    let shared: ChunkExponents | null = null;
    let merged: TrialLayer[] = [];
    let scales: HistogramScales[] = [];
    for (const phase of phases) {
      ({ merged, shared, scales } = await this.pass(net, phase, shared, recorder, captured));
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

  /** One pass of a trial over its chunks, in order, merging their layers. */
  private async pass(
    net: TrialNetwork,
    phase: HistogramPhase | null,
    sharedBefore: ChunkExponents | null,
    recorder: SeriesRecorder,
    captured: Float64Array[],
  ): Promise<{ merged: TrialLayer[]; shared: ChunkExponents | null; scales: HistogramScales[] }> {
    const { chunks } = this.layout;
    const captureIndex = new Map(this.resolved.captureRows.map((row, index) => [row, index]));
    const merged = Array.from({ length: net.depth }, emptyTrialLayer);
    let shared = sharedBefore;
    let scales: HistogramScales[] = [];
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
          rows,
          capture,
          captureInto: captured,
          place: { first: c === 0, last: c === chunks.length - 1 },
          backward: this.resolved.backward,
          histograms: counting && phase ? { set: counting, phase } : null,
          shared,
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
      outcome.layers.forEach((l, i) => {
        addChunkLayer(merged[i], l);
        recorder.flag(i, l.flags);
      });
    }
    return { merged, shared, scales };
  }
}
