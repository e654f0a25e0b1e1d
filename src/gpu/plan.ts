/**
 * How a run is cut up. Rows are independent, so a batch is split into chunks that each go through every layer
 * (memory O(chunkRows·width + width²) whatever the depth; a backward pass keeps every layer's Z, O(depth·chunkRows·width),
 * see runBytes), and each layer of a chunk is dispatched in slabs of rows small enough to finish within SLICE_MS, far
 * below any GPU watchdog.
 */
import { PARTIAL_BYTES, TILE, tilesAlong } from './geometry';

const BYTES_PER_VALUE = 4;
/** Target duration of one dispatch, unless the engine is told otherwise. */
export const SLICE_MS = 100;
/** A first guess of the device's speed in multiply–adds per ms (SwiftShader on two cores), refined by measuring. */
export const INITIAL_MACS_PER_MS = 2e5;

/** What a run's buffers are sized for (runBuffers.ts allocates them, runBytes counts them). */
export interface RunShape {
  chunkRows: number;
  inputWidth: number;
  width: number;
  depth: number;
  captureCount: number;
  /** Keep Z for a backward pass. */
  backward: boolean;
  /** Checkpoint spacing of the kept Z (see traceSlots); at least depth keeps every layer. */
  segment: number;
  /** Chunks per trial: with more than one, a backward run keeps each layer's weight-gradient sum across them. */
  chunks: number;
  /** Histograms count ∂L/∂W, so a backward run stores it even in one chunk. */
  histograms: boolean;
}

export interface ChunkLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  /** A caller's cap, for tests that force several chunks. */
  maxRowsPerChunk?: number;
}

/** Rows per chunk: one activation buffer [rows × widest] must fit one binding. A multiple of TILE unless it is the whole batch. */
export function chunkRows(totalRows: number, widest: number, limits: ChunkLimits): number {
  const bytes = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  let rows = Math.min(totalRows, Math.floor(bytes / (BYTES_PER_VALUE * widest)), limits.maxRowsPerChunk ?? Infinity);
  if (rows < 1) throw new RangeError(`one row of width ${widest} does not fit a GPU buffer of ${bytes} bytes`);
  if (rows < totalRows && rows >= TILE) rows -= rows % TILE;
  return rows;
}

/** Splits a list of rows into consecutive chunks. */
export function chunksOf(rows: number[], size: number): number[][] {
  const chunks: number[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

/** Rows per slab for a layer of fanIn × fanOut at a measured speed: a multiple of TILE, at least one tile. */
export function slabRows(chunk: number, fanIn: number, fanOut: number, macsPerMs: number, sliceMs = SLICE_MS): number {
  const rows = Math.floor((macsPerMs * sliceMs) / (fanIn * fanOut));
  return Math.min(chunk, Math.max(TILE, rows - (rows % TILE)));
}

/**
 * Checkpointing: Z_l is kept for every layer l that is a multiple of `segment` (the checkpoints) and, in a ring of
 * segment − 1 buffers, for the layers since the last one; the backward pass recomputes a segment's Z from its
 * checkpoint when it reaches it. segment ≥ depth keeps every layer (nothing recomputed): depth buffers.
 */
export function traceSlots(depth: number, segment: number): number {
  return segment - 1 + Math.floor(depth / segment);
}

/** The segment length with the fewest kept layers, about √depth (the longest among equals: fewer recomputations). */
export function checkpointSegment(depth: number): number {
  let best = depth;
  for (let segment = depth - 1; segment >= 1; segment--) {
    if (traceSlots(depth, segment) < traceSlots(depth, best)) best = segment;
  }
  return best;
}

export interface BackwardPlan {
  /** Rows per chunk. */
  rows: number;
  /** Checkpoint spacing (see traceSlots). */
  segment: number;
}

/**
 * How a backward run keeps what it needs, whose trace (the kept Z and two δ of [rows × width]) must fit `traceBytes`
 * (by default one of the device's largest buffers, maxBufferSize, the memory a run may reasonably claim): every layer
 * when the whole batch fits so; else checkpoints every ~√depth layers, recomputing one forward pass; else checkpoints
 * and the batch in chunks, which add their ∂L/∂W in one kept sum per layer.
 */
export function backwardPlan(
  totalRows: number,
  widest: number,
  width: number,
  depth: number,
  limits: ChunkLimits & { traceBytes?: number },
): BackwardPlan {
  const rows = chunkRows(totalRows, widest, limits);
  const budget = limits.traceBytes ?? limits.maxBufferSize;
  const fitting = (segment: number) =>
    Math.floor(budget / (BYTES_PER_VALUE * width * (traceSlots(depth, segment) + 2)));
  if (fitting(depth) >= rows) return { rows, segment: depth };
  const segment = checkpointSegment(depth);
  const fit = fitting(segment);
  if (fit >= rows) return { rows, segment };
  if (fit < 1) {
    const bytesPerRow = BYTES_PER_VALUE * width * (traceSlots(depth, segment) + 2);
    throw new RangeError(
      `a backward pass keeps at least ${bytesPerRow} bytes per row at width ${width} and depth ${depth}, more than ${budget} bytes`,
    );
  }
  const sums = BYTES_PER_VALUE * depth * widest * width;
  if (sums > limits.maxBufferSize) {
    throw new RangeError(
      `a backward pass over ${totalRows} rows at width ${width} and depth ${depth} needs several chunks, whose weight-gradient sums (${sums} bytes) exceed this GPU's largest buffer (${limits.maxBufferSize} bytes): use fewer rows, layers or units`,
    );
  }
  return { rows: fit >= TILE ? fit - (fit % TILE) : fit, segment };
}

/** How a run is cut: its chunks of batch rows and the shape its buffers are sized for. */
export interface RunLayout {
  chunks: number[][];
  shape: RunShape;
}

export interface RunRequest {
  rows: number[];
  inputWidth: number;
  width: number;
  depth: number;
  captureCount: number;
  backward: boolean;
  histograms: boolean;
}

/** Cuts a run by the device's limits (and a test's caps): rows per chunk and, going backward, the checkpoints. */
export function planRun(run: RunRequest, limits: ChunkLimits & { traceBytes?: number }): RunLayout {
  const widest = Math.max(run.width, run.inputWidth);
  const plan = run.backward
    ? backwardPlan(run.rows.length, widest, run.width, run.depth, limits)
    : { rows: chunkRows(run.rows.length, widest, limits), segment: run.depth };
  const chunks = chunksOf(run.rows, plan.rows);
  const { inputWidth, width, depth, captureCount, backward, histograms } = run;
  const shape = {
    chunkRows: plan.rows,
    inputWidth,
    width,
    depth,
    captureCount,
    backward,
    segment: plan.segment,
    chunks: chunks.length,
    histograms,
  };
  return { chunks, shape };
}

/**
 * GPU memory of a run's buffers in bytes, as src/gpu/runBuffers.ts allocates them (the per-layer states and uniforms,
 * a few bytes per layer, left out). With W the width, n = max(n_0, W), R the rows per chunk and D the depth:
 * forward 4·(2·R·n + n·W); backward 4·(R·n + (S + 2)·R·W + n·W), S the kept layers (D, or about 2√D with
 * checkpoints: traceSlots), plus 4·D·n·W of ∂L/∂W sums when the batch takes several chunks (4·n·W with histograms
 * in one chunk); partials 24 bytes per 64 × 64 tile.
 */
export function runBytes(shape: RunShape): number {
  const widest = Math.max(shape.inputWidth, shape.width);
  const rows = shape.chunkRows;
  const layer = rows * shape.width;
  const values = shape.backward
    ? rows * widest +
      (traceSlots(shape.depth, shape.segment) + 2) * layer +
      widest * shape.width +
      (shape.chunks > 1 ? shape.depth : shape.histograms ? 1 : 0) * widest * shape.width
    : 2 * rows * widest + widest * shape.width;
  const partialRows = shape.backward ? Math.max(rows, widest) : rows;
  return BYTES_PER_VALUE * values + tilesAlong(partialRows) * tilesAlong(shape.width) * PARTIAL_BYTES;
}
