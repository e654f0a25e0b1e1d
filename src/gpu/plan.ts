/**
 * How a run is cut to fit its memory budget: no buffer above `budget.buffer` (by default the smaller of 256 MiB and
 * the device's limits) and no run above `budget.total`. Rows are independent, so a batch is split into chunks that
 * each go through every layer; a layer's weights are generated in blocks — of columns going forward, of input units
 * (rows of W) going backward — wherever they are needed, since the Philox counter of every element is known; a
 * backward pass keeps every layer's Z, or checkpoints about every √depth layers; ∂L/∂W is computed in the same blocks
 * of input units, and when a batch takes several chunks each block's sum is kept across them — in as many passes over
 * the chunks as the budget needs. Each layer of a chunk is dispatched in slabs that finish within SLICE_MS.
 */
import { PARTIAL_BYTES, TILE, tilesAlong } from './geometry';
import type { UnitBlock, WeightGradPass } from './job';
import type { PassNetwork } from './networkPass';
import { BYTES_PER_VALUE, largestBuffer, type RunShape, runBytes, sumBlocks, traceSlots } from './runShape';

/** Target duration of one dispatch, unless the engine is told otherwise. */
export const SLICE_MS = 100;
/** A first guess of the device's speed in multiply–adds per ms (SwiftShader on two cores), refined by measuring. */
export const INITIAL_MACS_PER_MS = 2e5;
/** The largest buffer a run allocates unless told otherwise: Chrome's default limit on laptops. */
export const DEFAULT_BUFFER_BUDGET = 256 * 2 ** 20;
/** A run may allocate this many of its largest buffers in all. */
export const BUFFERS_PER_RUN = 4;
/** Chunks of fewer rows than this are slow; below it a backward run keeps fewer ∂L/∂W sums and passes again. */
const EFFICIENT_CHUNK_ROWS = 256;

export interface MemoryBudget {
  /** The largest buffer a run allocates, in bytes. */
  buffer: number;
  /** The most a run allocates in all, in bytes. */
  total: number;
}

/** The budget for a device: the requested buffer size (or the default) within the device's limits. */
export function memoryBudget(
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number },
  requested?: number,
): MemoryBudget {
  const buffer = Math.min(requested ?? DEFAULT_BUFFER_BUDGET, limits.maxBufferSize, limits.maxStorageBufferBindingSize);
  return { buffer, total: BUFFERS_PER_RUN * buffer };
}

/** A run the budget cannot hold at all, in words: what was asked, what the budget gives, what to lower. */
export class PlanError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/** Caps a caller may set below the budget's (tests force chunks and checkpoints with them). */
export interface PlanCaps {
  maxRowsPerChunk?: number;
  /** Bytes the kept Z and the two δ of a backward pass may take. */
  traceBytes?: number;
}

export interface RunRequest {
  rows: number[];
  inputWidth: number;
  width: number;
  depth: number;
  captureCount: number;
  backward: boolean;
  histograms: boolean;
  /** A pairs input: chunks hold whole pairs, and each layer's cosines are merged into a pair state. */
  pairs?: boolean;
  /** The Jacobian: n_0 tangent rows of the width, twice, and their readback (jacobianPass.ts). */
  jacobian?: boolean;
  /** Any network but the plain MLP: run by the network pass (networkChunk.ts), one full matrix at a time. */
  architecture?: PassNetwork;
}

export interface RunLayout {
  chunks: number[][];
  shape: RunShape;
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

/** The segment length with the fewest kept layers, about √depth (the longest among equals: fewer recomputations). */
export function checkpointSegment(depth: number): number {
  let best = depth;
  for (let segment = depth - 1; segment >= 1; segment--) {
    if (traceSlots(depth, segment) < traceSlots(depth, best)) best = segment;
  }
  return best;
}

/** n whole, or the most whole tiles of it that `fit`; a PlanError when not even one tile fits. */
function blockOf(n: number, fit: number, what: string, budget: MemoryBudget): number {
  if (fit >= n) return n;
  if (fit < TILE) {
    throw new PlanError(
      `${TILE} ${what} take ${fmt(TILE * (budget.buffer / Math.max(fit, 1)))} bytes, more than the ${fmt(budget.buffer)}-byte buffers this run may use`,
    );
  }
  return fit - (fit % TILE);
}

const fmt = (bytes: number) => `${Math.round(bytes)}`;

/** Per layer (layer l at index l − 1), its blocks of input units, numbered globally layer by layer. */
export function unitBlocks(shape: Pick<RunShape, 'inputWidth' | 'width' | 'depth' | 'unitBlock'>): UnitBlock[][] {
  let global = 0;
  return sumBlocks(shape).map((count, i) => {
    const fanIn = i === 0 ? shape.inputWidth : shape.width;
    return Array.from({ length: count }, (_, b) => ({
      global: global++,
      unitOffset: b * shape.unitBlock,
      units: Math.min(shape.unitBlock, fanIn - b * shape.unitBlock),
    }));
  });
}

/** The passes of a trial: one, unless several chunks keep more ∂L/∂W blocks than fit at once. */
export function weightGradPasses(shape: RunShape): WeightGradPass[] {
  const blocks = sumBlocks(shape).reduce((a, b) => a + b, 0);
  const keepsSums = shape.backward && shape.chunks > 1;
  if (!keepsSums) return [{ index: 0, first: 0, end: blocks, keepsSums }];
  return Array.from({ length: shape.passes }, (_, index) => ({
    index,
    first: index * shape.sumSlots,
    end: Math.min(blocks, (index + 1) * shape.sumSlots),
    keepsSums,
  }));
}

/** Cuts a run to its budget. Throws PlanError when not even the smallest cut fits. */
export function planRun(run: RunRequest, budget: MemoryBudget, caps: PlanCaps = {}): RunLayout {
  if (run.architecture) return planNetworkRun(run, run.architecture, budget, caps);
  const widest = Math.max(run.width, run.inputWidth);
  const n = run.rows.length;
  const forwardColumns = blockOf(
    run.width,
    Math.floor(budget.buffer / (BYTES_PER_VALUE * widest)),
    `columns of a ${widest}-row weight matrix`,
    budget,
  );
  const unitBlock = run.backward
    ? blockOf(
        widest,
        Math.floor(budget.buffer / (BYTES_PER_VALUE * run.width)),
        `rows of a ${run.width}-column weight matrix`,
        budget,
      )
    : widest;
  const base = { ...run, rows: undefined, forwardColumns, unitBlock };
  const fixed = runBytes({ ...base, chunkRows: 0, segment: run.depth, chunks: 1, sumSlots: 0, passes: 1 });
  const rowCap = Math.min(Math.floor(budget.buffer / (BYTES_PER_VALUE * widest)), caps.maxRowsPerChunk ?? Infinity);
  const avail = budget.total - fixed;
  // A row's share of the partials: one 24-byte partial per 64 rows and 64 columns.
  const partialsPerRow = (PARTIAL_BYTES * tilesAlong(run.width)) / TILE;
  const rowsFor = (perRow: number, room: number) => Math.min(n, rowCap, Math.floor(room / (perRow + partialsPerRow)));
  const cut = (rows: number, segment: number, sumSlots: number, passes: number): RunLayout => {
    if (rows < 1) {
      throw new PlanError(
        `one row of this run needs more than the ${fmt(budget.total)} bytes it may use (width ${run.width}, depth ${run.depth}${run.backward ? ', going backward' : ''})`,
      );
    }
    const tiled = rows < n && rows >= TILE ? rows - (rows % TILE) : rows;
    // Pairs stay together: a chunk of whole tiles is even already; a smaller one drops its odd row.
    const size = run.pairs ? tiled - (tiled % 2) : tiled;
    if (size < 1) {
      throw new PlanError(`one pair of rows of this run needs more than the ${fmt(budget.total)} bytes it may use`);
    }
    const chunks = chunksOf(run.rows, size);
    const shape = { ...base, chunkRows: size, segment, chunks: chunks.length, sumSlots, passes };
    delete (shape as { rows?: unknown }).rows;
    return { chunks, shape: shape as RunShape };
  };
  if (!run.backward) {
    const perRow = BYTES_PER_VALUE * 2 * widest;
    return cut(rowsFor(perRow, avail), run.depth, 0, 1);
  }

  const traceRows = (segment: number) => {
    const perRow = BYTES_PER_VALUE * (widest + (traceSlots(run.depth, segment) + 2) * run.width);
    const tracePerRow = BYTES_PER_VALUE * (traceSlots(run.depth, segment) + 2) * run.width;
    return (room: number) => Math.min(rowsFor(perRow, room), Math.floor((caps.traceBytes ?? Infinity) / tracePerRow));
  };
  const slotBytes = BYTES_PER_VALUE * unitBlock * run.width;
  const histogramSlot = run.histograms ? 1 : 0;
  for (const segment of [run.depth, checkpointSegment(run.depth)]) {
    if (traceRows(segment)(avail - histogramSlot * slotBytes) >= n) return cut(n, segment, histogramSlot, 1);
  }
  // Several chunks: every ∂L/∂W block keeps its sum across them, all at once when chunks stay efficient, else in passes.
  const segment = checkpointSegment(run.depth);
  const blocks = sumBlocks({ ...run, unitBlock }).reduce((a, b) => a + b, 0);
  const rowsWithAll = traceRows(segment)(avail - blocks * slotBytes);
  if (rowsWithAll >= Math.min(n, EFFICIENT_CHUNK_ROWS)) return cut(rowsWithAll, segment, blocks, 1);
  const rows = traceRows(segment)(avail / 2);
  const used = rows * BYTES_PER_VALUE * (widest + (traceSlots(run.depth, segment) + 2) * run.width);
  const slots = Math.min(blocks, Math.floor((avail - used) / slotBytes));
  if (slots < 1) {
    throw new PlanError(
      `a backward pass over ${n} rows in chunks keeps ∂L/∂W blocks of ${fmt(slotBytes)} bytes, and not one fits beside the rows in the ${fmt(budget.total)} bytes this run may use`,
    );
  }
  return cut(rows, segment, slots, Math.ceil(blocks / slots));
}

/**
 * A network-pass run's cut: every matrix whole in one buffer; a backward pass, or BatchNorm (which normalizes over the
 * whole batch), holds the batch in one chunk, else chunks of rows as large as the budget allows.
 */
function planNetworkRun(run: RunRequest, net: PassNetwork, budget: MemoryBudget, caps: PlanCaps): RunLayout {
  const widest = Math.max(run.width, run.inputWidth);
  const n = run.rows.length;
  const shapeOf = (rows: number): RunShape => ({
    chunkRows: rows,
    inputWidth: run.inputWidth,
    width: run.width,
    depth: run.depth,
    captureCount: run.captureCount,
    backward: run.backward,
    segment: run.depth,
    chunks: Math.ceil(n / rows),
    histograms: run.histograms,
    forwardColumns: run.width,
    unitBlock: widest,
    // Histograms of ∂L/∂W count a stored matrix (networkChunk.ts): one slot counted, one for what is not.
    sumSlots: run.histograms && run.backward ? 2 : 0,
    passes: 1,
    pairs: run.pairs,
    architecture: net,
  });
  const fits = (rows: number) =>
    runBytes(shapeOf(rows)) <= budget.total && largestBuffer(shapeOf(rows)) <= budget.buffer;
  if (BYTES_PER_VALUE * widest * run.width > budget.buffer) {
    throw new PlanError(
      `one ${widest} × ${run.width} weight matrix takes ${fmt(BYTES_PER_VALUE * widest * run.width)} bytes, more than the ${fmt(budget.buffer)}-byte buffers this run may use`,
    );
  }
  if (run.backward || net.norm === 'batch') {
    if (fits(n)) return { chunks: [run.rows], shape: shapeOf(n) };
    const why = run.backward ? 'going backward' : 'with BatchNorm';
    throw new PlanError(
      `a ${net.kind} network ${why} holds its whole batch at once, and ${n} rows take ${fmt(runBytes(shapeOf(n)))} bytes, more than the ${fmt(budget.total)} this run may use`,
    );
  }
  let rows = Math.min(n, caps.maxRowsPerChunk ?? n);
  while (rows > 1 && !fits(rows)) rows = Math.floor(rows / 2);
  if (!fits(rows)) {
    throw new PlanError(
      `one row of this run needs more than the ${fmt(budget.total)} bytes it may use (width ${run.width}, depth ${run.depth})`,
    );
  }
  const tiled = rows < n && rows >= TILE ? rows - (rows % TILE) : rows;
  // Pairs stay together, as in the plain network's chunks.
  const size = run.pairs && tiled < n ? Math.max(2, tiled - (tiled % 2)) : tiled;
  return { chunks: chunksOf(run.rows, size), shape: shapeOf(size) };
}
