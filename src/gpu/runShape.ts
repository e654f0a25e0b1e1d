/**
 * A run's shape — what its buffers are sized for (plan.ts chooses it, runBuffers.ts allocates it) — and the bytes
 * they take: in all, and in the largest single buffer a device must back.
 */
import { PARTIAL_BYTES, tilesAlong } from './geometry';
import { STATE } from './layerState';
import { PassBuffers, type PassNetwork, passStateSlots } from './passBuffers';

export const BYTES_PER_VALUE = 4;
/** Words of one layer's merged pair cosines (count, mean, M2, one unused). */
export const PAIR_STATE_WORDS = 4;

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
  /** Chunks per trial: with more than one, a backward run keeps ∂L/∂W block sums across them. */
  chunks: number;
  /** Histograms count ∂L/∂W, so a backward run stores each block it computes even in one chunk. */
  histograms: boolean;
  /** Columns of W per block of the forward step (the width when one block holds it). */
  forwardColumns: number;
  /** Input units (rows of W and of ∂L/∂W) per block of the backward step (the widest fan-in when one holds it). */
  unitBlock: number;
  /** ∂L/∂W blocks kept at once (0: none kept), and the passes over the chunks that cover every block. */
  sumSlots: number;
  passes: number;
  pairs?: boolean;
  jacobian?: boolean;
  /** Any network but the plain MLP: one full matrix at a time, and the network pass's buffers (networkPass.ts). */
  architecture?: PassNetwork;
}

/** The per-layer states of a run: one per layer, or the network pass's layout. */
export const stateSlots = (shape: Pick<RunShape, 'depth' | 'architecture'>) =>
  shape.architecture ? passStateSlots(shape.architecture) : shape.depth;

/**
 * Checkpointing: Z_l is kept for every layer l that is a multiple of `segment` (the checkpoints) and, in a ring of
 * segment − 1 buffers, for the layers since the last one; the backward pass recomputes a segment's Z from its
 * checkpoint when it reaches it. segment ≥ depth keeps every layer (nothing recomputed): depth buffers.
 */
export function traceSlots(depth: number, segment: number): number {
  return segment - 1 + Math.floor(depth / segment);
}

/** The ∂L/∂W blocks of a run, layer by layer (layer l at index l − 1): how many blocks of `unitBlock` input units. */
export function sumBlocks(shape: Pick<RunShape, 'inputWidth' | 'width' | 'depth' | 'unitBlock'>): number[] {
  return Array.from({ length: shape.depth }, (_, i) =>
    Math.ceil((i === 0 ? shape.inputWidth : shape.width) / shape.unitBlock),
  );
}

/** The largest single buffer of a run, in bytes: what a device must back in one piece. */
export function largestBuffer(shape: RunShape): number {
  const widest = Math.max(shape.inputWidth, shape.width);
  const layer = shape.chunkRows * (shape.backward ? shape.width : widest);
  const weights = Math.max(widest * shape.forwardColumns, shape.backward ? shape.unitBlock * shape.width : 0);
  const sum = shape.sumSlots ? shape.unitBlock * shape.width : 0;
  const tangents = shape.jacobian ? shape.inputWidth * shape.width : 0;
  return BYTES_PER_VALUE * Math.max(shape.chunkRows * widest, layer, weights, sum, tangents);
}

/**
 * GPU memory of a run's buffers in bytes, as runBuffers.ts allocates them (uniforms left out). With W the width,
 * n = max(n_0, W), R the rows per chunk: forward 4·(2·R·n) for two activation buffers; backward 4·(R·n + (S + 2)·R·W),
 * S the kept layers (D, or about 2√D with checkpoints: traceSlots), plus the ∂L/∂W block sums; the weights buffer
 * (the larger of a forward and a backward weight block) and the layer's biases; partials 24 bytes per 64 × 64 tile;
 * per-layer states (and, with a pairs input, the pair state; with the Jacobian, its tangent rows and states).
 */
export function runBytes(shape: RunShape): number {
  if (shape.architecture) return networkRunBytes(shape, shape.architecture);
  const widest = Math.max(shape.inputWidth, shape.width);
  const rows = shape.chunkRows;
  const weights = Math.max(widest * shape.forwardColumns, shape.backward ? shape.unitBlock * shape.width : 0);
  const values = shape.backward
    ? rows * widest +
      (traceSlots(shape.depth, shape.segment) + 2) * rows * shape.width +
      shape.sumSlots * shape.unitBlock * shape.width
    : 2 * rows * widest;
  const partialRows = shape.backward ? Math.max(rows, widest) : rows;
  const states = (shape.backward ? 2 : 1) * stateSlots(shape) * STATE.words;
  const blockStates = shape.backward ? sumBlocks(shape).reduce((a, b) => a + b, 0) * 4 : 0;
  // The pair state and its readback: four words a layer each.
  const pairStates = shape.pairs ? 2 * shape.depth * PAIR_STATE_WORDS : 0;
  // Two tangent buffers and their readback, two tangent states, the input row; partials of 3 words a tile.
  const tangents = shape.jacobian
    ? 3 * shape.inputWidth * shape.width +
      2 * shape.depth * STATE.words +
      shape.width +
      3 * tilesAlong(shape.inputWidth) * tilesAlong(shape.width)
    : 0;
  return (
    BYTES_PER_VALUE * (values + weights + shape.width + states + blockStates + pairStates + tangents) +
    tilesAlong(partialRows) * tilesAlong(shape.width) * PARTIAL_BYTES
  );
}

/**
 * GPU memory of a network-pass run (networkChunk.ts): the input rows, one full matrix and its biases, the probe's g
 * with its partials, the states and their readbacks (and the pair state's), the captured rows, the stored ∂L/∂W of
 * histograms, and the pass's own buffers.
 */
function networkRunBytes(shape: RunShape, net: PassNetwork): number {
  const rows = shape.chunkRows;
  const widest = Math.max(shape.inputWidth, shape.width);
  const values =
    rows * widest +
    widest * shape.width +
    shape.width +
    rows +
    shape.depth * shape.captureCount * shape.width +
    (shape.backward ? rows * shape.width : 0) +
    shape.sumSlots * shape.unitBlock * shape.width +
    2 * (shape.backward ? 2 : 1) * stateSlots(shape) * STATE.words +
    (shape.pairs ? 2 * shape.depth * PAIR_STATE_WORDS : 0);
  const partials = tilesAlong(rows) * tilesAlong(shape.width) * PARTIAL_BYTES;
  return BYTES_PER_VALUE * values + partials + PassBuffers.bytes(net, rows, shape.backward);
}
