/**
 * The buffers of one run, sized once by its plan (plan.ts) and reused by every chunk, series and trial. They are
 * allocated inside an out-of-memory error scope: a device that allows a buffer need not have the memory for it, and
 * the engine then asks for a smaller plan.
 */
import { PARTIAL_BYTES, tilesAlong } from './geometry';
import type { LayerBuffers } from './layerKernel';
import { STATE } from './layerState';
import { PassBuffers } from './networkPass';
import { PAIR_STATE_WORDS, type RunShape, stateSlots, sumBlocks, traceSlots } from './runShape';

const F32 = 4;
/** Words of one ∂L/∂W block's merged Moments (count, mean, M2, one unused). */
export const BLOCK_STATE_WORDS = 4;
const { STORAGE, COPY_SRC, COPY_DST, MAP_READ } = GPUBufferUsage;

/** What only a backward run needs. */
export interface BackwardBuffers {
  /** Ping-pong δ = ∂L/∂Z: layer l's in [l % 2]. */
  deltas: [GPUBuffer, GPUBuffer];
  gradState: GPUBuffer;
  gradStateReadback: GPUBuffer;
  /** ∂L/∂W blocks kept at once: across the chunks of a batch, or one at a time for histograms (see plan.ts). */
  sums: GPUBuffer[];
  /** Per ∂L/∂W block of every layer, its merged Moments (BLOCK_STATE_WORDS words), and their readback. */
  blockStates: GPUBuffer;
  blockStatesReadback: GPUBuffer;
  /** Bound in place of a sum that is not kept. */
  noSum: GPUBuffer;
}

/** What only a run with the Jacobian needs (jacobianPass.ts): n_0 tangent rows of the width, ping-pong. */
export interface TangentBuffersSet {
  values: [GPUBuffer, GPUBuffer];
  /** One Moments (12 bytes) per 64 × 64 tile of the tangent rows. */
  partials: GPUBuffer;
  /** Per layer, the tangent rows' merged Moments and exponent (layerState.ts's layout, slot A). */
  state: GPUBuffer;
  valuesReadback: GPUBuffer;
  stateReadback: GPUBuffer;
  /** The input row's Z_L, for D_L. */
  rowReadback: GPUBuffer;
}

export class RunBuffers {
  /** The input X in [0]; without a backward pass, layer l also reads Z_{l−1} from one and writes Z_l to the other. */
  readonly activations: [GPUBuffer, GPUBuffer];
  /** With a backward pass, the kept Z, for φ'(Z) and H = φ(Z): checkpoints, then the ring (see traceSlot). */
  readonly trace: GPUBuffer[];
  /** Checkpoint spacing of `trace`. */
  readonly segment: number;
  /** One block of a layer's weights: [fanIn × forwardColumns] forward, [unitBlock × width] backward. */
  readonly weights: GPUBuffer;
  /** The biases of the layer being computed, one per unit. */
  readonly biases: GPUBuffer;
  readonly partials: GPUBuffer;
  /** Per layer (a residual network's: per matrix, then per block's stream), its state (layerState.ts). */
  readonly layerState: GPUBuffer;
  readonly stateReadback: GPUBuffer;
  readonly rows: GPUBuffer;
  /** Any network but the plain MLP: the network pass's own buffers (networkPass.ts); else null. */
  readonly network: PassBuffers | null;
  /** [depth × captureCount × width] captured pre-activations, or null when nothing is captured. */
  readonly capture: GPUBuffer | null;
  readonly captureCount: number;
  /** With a pairs input: per layer, the merged cosines of the chunk's pairs (PAIR_STATE_WORDS words), and its readback. */
  readonly pairState: { state: GPUBuffer; readback: GPUBuffer } | null;
  readonly tangents: TangentBuffersSet | null;
  readonly backward: BackwardBuffers | null;
  private readonly all: GPUBuffer[] = [];

  private constructor(device: GPUDevice, shape: RunShape) {
    const make = (label: string, size: number, usage: number) => {
      const buffer = device.createBuffer({ label, size: Math.max(16, size), usage });
      this.all.push(buffer);
      return buffer;
    };
    const widest = Math.max(shape.inputWidth, shape.width);
    const layerBytes = shape.chunkRows * shape.width * F32;
    const stateBytes = shape.depth * STATE.words * F32;
    const layerStateBytes = stateSlots(shape) * STATE.words * F32;
    // The network pass keeps its own layers: the plain network's second buffer, trace and ∂L/∂W sums go unused.
    const layered = !shape.architecture;
    this.activations = [
      make('activations 0', shape.chunkRows * widest * F32, STORAGE | COPY_SRC | COPY_DST),
      make(
        'activations 1',
        shape.backward || !layered ? 0 : shape.chunkRows * widest * F32,
        STORAGE | COPY_SRC | COPY_DST,
      ),
    ];
    this.segment = shape.segment;
    this.trace =
      shape.backward && layered
        ? Array.from({ length: traceSlots(shape.depth, shape.segment) }, (_, i) =>
            make(`Z slot ${i}`, layerBytes, STORAGE | COPY_SRC),
          )
        : [];
    const weightValues = Math.max(widest * shape.forwardColumns, shape.backward ? shape.unitBlock * shape.width : 0);
    this.weights = make('weights', weightValues * F32, STORAGE | COPY_DST);
    this.biases = make('biases', shape.width * F32, STORAGE | COPY_DST);
    // ∂L/∂W has one partial per tile of [fanIn × width], which can outnumber those of [rows × width].
    const partialRows = shape.backward ? Math.max(shape.chunkRows, widest) : shape.chunkRows;
    this.partials = make('partials', tilesAlong(partialRows) * tilesAlong(shape.width) * PARTIAL_BYTES, STORAGE);
    this.layerState = make('layer state', layerStateBytes, STORAGE | COPY_SRC | COPY_DST);
    this.stateReadback = make('layer state readback', layerStateBytes, MAP_READ | COPY_DST);
    this.network = shape.architecture
      ? PassBuffers.allocate(device, shape.architecture, shape.chunkRows, shape.backward)
      : null;
    this.rows = make('rows', shape.chunkRows * F32, STORAGE | COPY_DST);
    this.captureCount = shape.captureCount;
    this.capture = shape.captureCount
      ? make('capture', shape.depth * shape.captureCount * shape.width * F32, MAP_READ | COPY_DST)
      : null;
    const pairBytes = shape.depth * PAIR_STATE_WORDS * F32;
    this.pairState = shape.pairs
      ? {
          state: make('pair state', pairBytes, STORAGE | COPY_SRC),
          readback: make('pair state readback', pairBytes, MAP_READ | COPY_DST),
        }
      : null;
    const tangentBytes = shape.inputWidth * shape.width * F32;
    this.tangents = shape.jacobian
      ? {
          values: [0, 1].map((i) => make(`tangent ${i}`, tangentBytes, STORAGE | COPY_SRC)) as [GPUBuffer, GPUBuffer],
          partials: make('tangent partials', tilesAlong(shape.inputWidth) * tilesAlong(shape.width) * 12, STORAGE),
          state: make('tangent state', stateBytes, STORAGE | COPY_SRC | COPY_DST),
          valuesReadback: make('tangent readback', tangentBytes, MAP_READ | COPY_DST),
          stateReadback: make('tangent state readback', stateBytes, MAP_READ | COPY_DST),
          rowReadback: make('input row readback', shape.width * F32, MAP_READ | COPY_DST),
        }
      : null;
    const blockBytes = sumBlocks(shape).reduce((a, b) => a + b, 0) * BLOCK_STATE_WORDS * F32;
    this.backward = shape.backward
      ? {
          deltas: [0, 1].map((i) => make(`δ ${i}`, i === 0 || layered ? layerBytes : 0, STORAGE)) as [
            GPUBuffer,
            GPUBuffer,
          ],
          gradState: make('grad state', layerStateBytes, STORAGE | COPY_SRC | COPY_DST),
          gradStateReadback: make('grad state readback', layerStateBytes, MAP_READ | COPY_DST),
          sums: Array.from({ length: shape.sumSlots }, (_, i) =>
            make(`∂L/∂W block ${i}`, shape.unitBlock * shape.width * F32, STORAGE),
          ),
          blockStates: make('∂L/∂W block states', blockBytes, STORAGE | COPY_SRC | COPY_DST),
          blockStatesReadback: make('∂L/∂W block states readback', blockBytes, MAP_READ | COPY_DST),
          noSum: make('no sum', 0, STORAGE),
        }
      : null;
  }

  /** The run's buffers, or null when the device could not back them (an out-of-memory error). */
  static async allocate(device: GPUDevice, shape: RunShape): Promise<RunBuffers | null> {
    device.pushErrorScope('out-of-memory');
    const buffers = new RunBuffers(device, shape);
    const error = await device.popErrorScope();
    if (!error) return buffers;
    buffers.destroy();
    return null;
  }

  /**
   * Where a backward run keeps Z_l (1-based): checkpoint l / segment − 1 when segment divides l, else ring slot
   * l mod segment − 1, after the checkpoints. A ring slot holds the latest layer written to it.
   */
  traceSlot(layer: number): GPUBuffer {
    const checkpoints = this.trace.length - (this.segment - 1);
    const within = layer % this.segment;
    return this.trace[within === 0 ? layer / this.segment - 1 : checkpoints + within - 1];
  }

  /** Where layer l (1-based) reads its input: X, or Z_{l−1}. */
  layerInput(layer: number): GPUBuffer {
    if (layer === 1) return this.activations[0];
    return this.backward ? this.traceSlot(layer - 1) : this.activations[(layer - 1) % 2];
  }

  /** The buffers layer l's (1-based) forward step reads and writes. */
  forwardBuffers(layer: number): LayerBuffers {
    const { weights, biases, partials, layerState } = this;
    return { input: this.layerInput(layer), weights, biases, output: this.layerOutput(layer), partials, layerState };
  }

  /** Where layer l (1-based) writes Z_l. */
  layerOutput(layer: number): GPUBuffer {
    return this.backward ? this.traceSlot(layer) : this.activations[layer % 2];
  }

  destroy(): void {
    for (const buffer of this.all) buffer.destroy();
    this.network?.destroy();
  }
}
