/**
 * How a run is cut up. Rows are independent, so a batch is split into chunks that each go through every layer
 * (memory O(chunkRows·width + width²) whatever the depth), and each layer of a chunk is dispatched in slabs of rows
 * small enough to finish within SLICE_MS, far below any GPU watchdog.
 */
import { TILE } from './layerKernel';

const BYTES_PER_VALUE = 4;
/** Target duration of one dispatch, unless the engine is told otherwise. */
export const SLICE_MS = 100;
/** A first guess of the device's speed in multiply–adds per ms (SwiftShader on two cores), refined by measuring. */
export const INITIAL_MACS_PER_MS = 2e5;

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
 * Rows per chunk of a backward run, which keeps Z_l of every layer and two δ of [rows × width] per chunk: all of them
 * together within one of the device's largest buffers (maxBufferSize), the memory a run may reasonably claim.
 */
export function traceChunkRows(totalRows: number, widest: number, width: number, depth: number, limits: ChunkLimits): number {
  const rows = chunkRows(totalRows, widest, limits);
  const bytesPerRow = BYTES_PER_VALUE * width * (depth + 2);
  const fit = Math.floor(limits.maxBufferSize / bytesPerRow);
  if (fit < 1) {
    throw new RangeError(`a backward pass keeps ${bytesPerRow} bytes per row at width ${width} and depth ${depth}, more than this GPU's largest buffer (${limits.maxBufferSize} bytes)`);
  }
  if (fit >= rows) return rows;
  return fit >= TILE ? fit - (fit % TILE) : fit;
}
