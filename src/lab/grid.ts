/**
 * Width and depth as axes: a config whose `width` or `depth` is a list runs every series at every listed width and
 * depth. Each cell is an ordinary config of one network, run by the engine as any other; the results are joined into
 * one, every series labelled with its width and depth and carrying them (with its parametrization) in the JSON.
 * Engines call runGrid / trainGrid when they are handed a grid, so everything above them — the page, the terminal,
 * the verification of one engine against the other — sees one run.
 */
import type { ExperimentConfig } from './config';
import { type Progress, type RunOptions, type SendableOptions, throwIfAborted } from './engine';
import type { RunResult, SeriesResult } from './results';
import type { ForwardValues, Parameters, Trainer, TrainingSession, TrainSeries, TrainSnapshot } from './training';
import type { RunEstimate } from './work';

export interface GridCell {
  width: number;
  depth: number;
  /** The optimizer's learning rate (the config's where it is not an axis). */
  lr: number;
  /** The cell's config: one network, `axes` cleared. */
  config: ExperimentConfig;
}

export function isGrid(config: ExperimentConfig): boolean {
  return config.axes.width !== null || config.axes.depth !== null || config.axes.lr !== null;
}

/**
 * Every (depth, width, lr) cell of a grid, depth outermost and lr innermost, in the order the lists give. The
 * experiments at initialization train nothing: for them (`training` false) the learning rate is no axis.
 */
export function gridCells(config: ExperimentConfig, training = true): GridCell[] {
  const widths = config.axes.width ?? [config.width];
  const depths = config.axes.depth ?? [config.depth];
  const lrs = (training && config.axes.lr) || [config.train.optimizer.lr];
  const none = { width: null, depth: null, lr: null };
  return depths.flatMap((depth) =>
    widths.flatMap((width) =>
      lrs.map((lr) => ({
        width,
        depth,
        lr,
        config: {
          ...config,
          width,
          depth,
          axes: none,
          train: { ...config.train, optimizer: { ...config.train.optimizer, lr } },
        },
      })),
    ),
  );
}

/** The grid's first network (its first width, depth and learning rate), or the config itself when it is no grid. */
export function firstNetwork(config: ExperimentConfig): ExperimentConfig {
  return isGrid(config) ? gridCells(config)[0].config : config;
}

/** A series' label in a grid: its initializer's, then the axes that vary (n = width, L = depth, lr). */
export function cellLabel(
  label: string,
  config: ExperimentConfig,
  cell: Omit<GridCell, 'config'>,
  training = true,
): string {
  const parts = [label];
  if (config.axes.width) parts.push(`n = ${cell.width}`);
  if (config.axes.depth) parts.push(`L = ${cell.depth}`);
  if (config.axes.lr && training) parts.push(`lr = ${cell.lr}`);
  return parts.join(' · ');
}

function place(series: SeriesResult, config: ExperimentConfig, cell: GridCell): SeriesResult {
  return {
    ...series,
    label: cellLabel(series.label, config, cell, false),
    width: cell.width,
    depth: cell.depth,
    parametrization: config.parametrization.kind,
  };
}

/** Progress over the whole grid: each cell's work offset by the cells before it, in the units of the cell's engine. */
function gridProgress(onProgress: RunOptions['onProgress'], cell: number, cells: number) {
  if (!onProgress) return undefined;
  return (p: Progress) => onProgress({ ...p, done: cell * p.total + p.done, total: cells * p.total, series: p.series });
}

/** Runs every cell of a grid on `run` (an engine's run of one network) and joins the results. */
export async function runGrid(
  run: (config: ExperimentConfig, options: RunOptions) => Promise<RunResult>,
  config: ExperimentConfig,
  options: RunOptions = {},
): Promise<RunResult> {
  const cells = gridCells(config, false);
  const started = performance.now();
  const results: RunResult[] = [];
  for (const [i, cell] of cells.entries()) {
    throwIfAborted(options.signal);
    results.push(await run(cell.config, { ...options, onProgress: gridProgress(options.onProgress, i, cells.length) }));
  }
  const first = results[0];
  const captures = results.flatMap((r) => (r.capture ? [r.capture] : []));
  return {
    ...first,
    config,
    series: results.flatMap((r, i) => r.series.map((s) => place(s, config, cells[i]))),
    ...(first.gpuBytes !== undefined ? { gpuBytes: Math.max(...results.map((r) => r.gpuBytes ?? 0)) } : {}),
    ...(captures.length
      ? { capture: { rows: captures[0].rows, preActivations: captures.flatMap((c) => c.preActivations) } }
      : {}),
    timings: { totalMs: performance.now() - started },
  };
}

/** A grid's estimate: the cells' work and time added, its memory the largest cell's. */
export async function estimateGrid(
  estimate: (config: ExperimentConfig, options?: SendableOptions) => Promise<RunEstimate>,
  config: ExperimentConfig,
  options?: SendableOptions,
): Promise<RunEstimate> {
  const estimates = await Promise.all(gridCells(config, false).map((cell) => estimate(cell.config, options)));
  const total = (pick: (e: RunEstimate) => number) => estimates.reduce((sum, e) => sum + pick(e), 0);
  const bytes = estimates.map((e) => e.bytes);
  return {
    macs: total((e) => e.macs),
    computed: total((e) => e.computed),
    bytes: bytes.includes(null) ? null : Math.max(...(bytes as number[])),
    macsPerSecond: estimates[0].macsPerSecond,
    seconds: total((e) => e.seconds),
  };
}

/** Trains every cell of a grid as one session: a session per cell, advanced together. */
export async function trainGrid(trainer: Trainer, config: ExperimentConfig): Promise<TrainingSession> {
  const cells = gridCells(config);
  const sessions: TrainingSession[] = [];
  try {
    for (const cell of cells) sessions.push(await trainer.train(cell.config));
  } catch (error) {
    for (const session of sessions) session.dispose();
    throw error;
  }
  return new GridTrainingSession(config, cells, sessions);
}

class GridTrainingSession implements TrainingSession {
  constructor(
    private readonly config: ExperimentConfig,
    private readonly cells: GridCell[],
    private readonly sessions: TrainingSession[],
  ) {}

  private join(snapshots: TrainSnapshot[]): TrainSnapshot {
    return {
      step: Math.min(...snapshots.map((s) => s.step)),
      finished: snapshots.every((s) => s.finished),
      series: snapshots.flatMap((snapshot, i) =>
        snapshot.series.map(
          (s): TrainSeries => ({
            ...s,
            label: cellLabel(s.label, this.config, this.cells[i]),
            width: this.cells[i].width,
            depth: this.cells[i].depth,
            lr: this.cells[i].lr,
            parametrization: this.config.parametrization.kind,
          }),
        ),
      ),
    };
  }

  snapshot(): TrainSnapshot {
    return this.join(this.sessions.map((s) => s.snapshot()));
  }

  async advance(
    steps: number,
    options: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
  ): Promise<TrainSnapshot> {
    const snapshots: TrainSnapshot[] = [];
    for (const [i, session] of this.sessions.entries()) {
      throwIfAborted(options.signal);
      const onProgress = gridProgress(options.onProgress, i, this.sessions.length);
      snapshots.push(await session.advance(steps, { signal: options.signal, onProgress }));
    }
    return this.join(snapshots);
  }

  /** The cell and its series index that series `series` of the joined result is. */
  private locate(series: number): [TrainingSession, number] {
    let index = series;
    for (const session of this.sessions) {
      const count = this.config.sweep.length;
      if (index < count) return [session, index];
      index -= count;
    }
    throw new RangeError(
      `series ${series} is not in this training (${this.sessions.length * this.config.sweep.length} series)`,
    );
  }

  forward(series: number, points: Float64Array, withLayers: boolean): Promise<ForwardValues> {
    const [session, index] = this.locate(series);
    return session.forward(index, points, withLayers);
  }

  parameters(series: number): Promise<Parameters> {
    const [session, index] = this.locate(series);
    return session.parameters(index);
  }

  dispose(): void {
    for (const session of this.sessions) session.dispose();
  }
}
