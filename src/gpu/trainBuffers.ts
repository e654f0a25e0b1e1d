/**
 * The buffers of a training session: the dataset, every series' parameters per matrix (architecture.ts's trained
 * matrices) with their gradients and optimizer state — all on the GPU for the whole run — and the scratch one step or
 * evaluation works in (the plain MLP's kept Z of every layer, or only the readout's Z beside the network pass's own
 * buffers, trainPasses.ts; δ, partials, the small states read back at each evaluation). Sized once; allocated within
 * the memory budget (plan.ts) inside an out-of-memory error scope.
 */
import type { WeightMatrix } from '../lab/architecture';
import type { ExperimentConfig } from '../lab/config';
import type { Dataset } from '../lab/datasets';
import type { OptimizerSpec } from '../lab/trainConfig';
import { formatBytes } from '../lab/work';
import { GpuMemoryError } from './device';
import { MAX_STRIDED_GROUPS, PARTIAL_BYTES, tilesAlong } from './geometry';
import { STATE } from './layerState';
import { LOSS_ROWS_PER_PARTIAL } from './lossGradientKernel';
import type { MemoryBudget } from './plan';

const F32 = 4;
const { STORAGE, COPY_SRC, COPY_DST, MAP_READ } = GPUBufferUsage;

/** A series' parameters on the GPU, matrix k (address k + 1) at index k, the readout last. */
export interface SeriesParameters {
  weights: GPUBuffer[];
  biases: GPUBuffer[];
  weightGrads: GPUBuffer[];
  biasGrads: GPUBuffer[];
  /** SGD's momentum buffer, or Adam's m and v; a placeholder where the optimizer keeps none. */
  weightState: [GPUBuffer, GPUBuffer][];
  biasState: [GPUBuffer, GPUBuffer][];
  /** The first update whose loss or weights were not finite (0xFFFFFFFF: none yet). */
  diverged: GPUBuffer;
}

/**
 * Words of the evaluation readback, in order: pre stats, losses (train, test), gradient stats, update stats,
 * coordinate sizes, changes since initialization, a residual network's block stats (slot A: branch, B: stream),
 * divergence.
 */
export function readbackLayout(layers: number, blocks: number) {
  const states = layers * STATE.words;
  const losses = 2 * STATE.words;
  const blockStates = blocks * STATE.words;
  return {
    pre: 0,
    losses: states,
    grads: states + losses,
    updates: 2 * states + losses,
    coords: 3 * states + losses,
    deltas: 4 * states + losses,
    blocks: 5 * states + losses,
    diverged: 5 * states + losses + blockStates,
    words: 5 * states + losses + blockStates + 1,
  };
}

/** The shape of the network the buffers hold (trainModel.ts's TrainNetwork; `body` non-null: the network pass's). */
type BufferedNetwork = { widths: number[]; matrices: WeightMatrix[]; blocks: number; body: object | null };

/**
 * The widths of the rows the trainer's own buffers hold: the plain MLP's input and every layer's Z; under the network
 * pass (which holds the body's rows itself, trainPasses.ts) only the readout's Z.
 */
function scratchWidths({ widths, body }: BufferedNetwork): { input: number; trace: number[] } {
  return body ? { input: 0, trace: [widths[widths.length - 1]] } : { input: widths[0], trace: widths.slice(1) };
}

export class TrainBuffers {
  readonly trainX: GPUBuffer;
  readonly trainY: GPUBuffer;
  readonly testX: GPUBuffer;
  readonly testY: GPUBuffer;
  /** A buffer bound where a kernel's binding is unused: labels in regression, targets in classification. */
  readonly unused: GPUBuffer;
  /** Bound for an optimizer state that is not kept: two, as both are writable bindings of one kernel. */
  private readonly noState: [GPUBuffer, GPUBuffer];
  /** Training rows of the minibatches being run, [steps × batch]. */
  readonly indices: GPUBuffer;
  readonly series: SeriesParameters[];
  /** [rows × n_0]: a minibatch or an evaluation chunk of the plain MLP. */
  readonly input: GPUBuffer;
  /** A minibatch's labels or targets, gathered beside its rows. */
  readonly batchAnswers: GPUBuffer;
  /** Z_l of every layer (the readout last), [rows × n_l]; under the network pass, the readout's alone. */
  readonly trace: GPUBuffer[];
  readonly deltas: [GPUBuffer, GPUBuffer];
  readonly partials: GPUBuffer;
  /** Per layer: the pre stats of an evaluation (and the layer kernels' flags, exponents 0). */
  readonly evalState: GPUBuffer;
  /** The loss and accuracy of the train set (layer 0) and of the test set (layer 1). */
  readonly lossState: GPUBuffer;
  /** Per layer: ∂L/∂W's statistics (slot B), and the backward kernels' flags. */
  readonly gradStats: GPUBuffer;
  /** Per layer: the last update's Δ (slot A) and W before it (slot B). */
  readonly updateStats: GPUBuffer;
  /** Per layer: |Z| (slot A) and |φ(Z)| (slot B) over the train set, and the partials they are merged from. */
  readonly coordState: GPUBuffer;
  readonly coordPartials: GPUBuffer;
  /** With the coordinate check: every series' initial W and b, its Z on the rows being evaluated, |Z − Z₀| and Z − Z₀. */
  readonly initial: { weights: GPUBuffer[]; biases: GPUBuffer[] }[];
  readonly initialTrace: GPUBuffer[];
  readonly deltaState: GPUBuffer;
  readonly deltaPartials: GPUBuffer;
  /** Where the initial network's forward pass puts the range flags and statistics it is not asked for. */
  readonly scratchState: GPUBuffer;
  /** A residual network's blocks over the train set: branch α·y_l (slot A) and stream x_{l+1} (slot B). */
  readonly blockState: GPUBuffer;
  readonly readback: GPUBuffer;
  readonly widths: number[];
  private readonly all: GPUBuffer[] = [];

  private constructor(
    private readonly device: GPUDevice,
    data: Dataset,
    net: BufferedNetwork,
    seriesCount: number,
    optimizer: OptimizerSpec,
    readonly rows: number,
    readonly maxIndices: number,
    readonly coordCheck: boolean,
  ) {
    const make = (label: string, size: number, usage = STORAGE | COPY_DST | COPY_SRC) => {
      const buffer = device.createBuffer({ label, size: Math.max(16, size), usage });
      this.all.push(buffer);
      return buffer;
    };
    const upload = (label: string, values: ArrayLike<number>, integer: boolean) => {
      const buffer = make(label, values.length * F32);
      device.queue.writeBuffer(buffer, 0, integer ? Uint32Array.from(values) : Float32Array.from(values));
      return buffer;
    };
    const integer = data.classes > 0;
    this.trainX = upload('train x', data.train.x, false);
    this.trainY = upload('train y', data.train.y, integer);
    this.testX = upload('test x', data.test.x, false);
    this.testY = upload('test y', data.test.y, integer);
    this.unused = make('unused', 16);
    this.noState = [make('no optimizer state 1', 16), make('no optimizer state 2', 16)];
    this.indices = make('minibatch rows', maxIndices * F32);
    const { widths, matrices, blocks } = net;
    const scratch = scratchWidths(net);
    const layers = widths.length - 1;
    const shapes = matrices.map((m) => [m.fanIn, m.fanOut] as const);
    const states = optimizer.kind === 'adam' ? 2 : optimizer.momentum > 0 ? 1 : 0;
    const state = (label: string, size: number): [GPUBuffer, GPUBuffer] => [
      states >= 1 ? make(`${label} state 1`, size) : this.noState[0],
      states >= 2 ? make(`${label} state 2`, size) : this.noState[1],
    ];
    this.series = Array.from({ length: seriesCount }, (_, s) => ({
      weights: shapes.map(([i, o], l) => make(`series ${s} W${l + 1}`, i * o * F32)),
      biases: shapes.map(([, o], l) => make(`series ${s} b${l + 1}`, o * F32)),
      weightGrads: shapes.map(([i, o], l) => make(`series ${s} ∂W${l + 1}`, i * o * F32)),
      biasGrads: shapes.map(([, o], l) => make(`series ${s} ∂b${l + 1}`, o * F32)),
      weightState: shapes.map(([i, o], l) => state(`series ${s} W${l + 1}`, i * o * F32)),
      biasState: shapes.map(([, o], l) => state(`series ${s} b${l + 1}`, o * F32)),
      diverged: make(`series ${s} divergence`, F32),
    }));
    for (const series of this.series) device.queue.writeBuffer(series.diverged, 0, new Uint32Array([0xffffffff]));
    const widest = Math.max(...widths);
    this.input = make('input rows', rows * scratch.input * F32);
    this.batchAnswers = make('minibatch answers', maxIndices * (integer ? 1 : widths[layers]) * F32);
    this.trace = scratch.trace.map((n, l) => make(`Z${l + 1}`, rows * n * F32));
    // Under the network pass δ is only ever a minibatch's (the readout's, and ∂L/∂v_top).
    const deltaRows = net.body ? maxIndices : rows;
    this.deltas = [make('δ 0', deltaRows * widest * F32), make('δ 1', deltaRows * widest * F32)];
    const partials = Math.max(
      tilesAlong(Math.max(rows, widest)) * tilesAlong(widest),
      Math.ceil(rows / LOSS_ROWS_PER_PARTIAL),
      MAX_STRIDED_GROUPS,
    );
    this.partials = make('partials', partials * PARTIAL_BYTES);
    const stateBytes = layers * STATE.words * F32;
    this.evalState = make('evaluation state', stateBytes);
    this.lossState = make('loss state', 2 * STATE.words * F32);
    this.gradStats = make('gradient statistics', stateBytes);
    this.updateStats = make('update statistics', stateBytes);
    this.coordState = make('coordinate sizes', stateBytes);
    this.coordPartials = make('coordinate partials', MAX_STRIDED_GROUPS * PARTIAL_BYTES);
    this.scratchState = make('initial network state', stateBytes);
    this.deltaState = make('change since initialization', stateBytes);
    // Bound even when nothing is measured into it, so as large as one partial.
    this.deltaPartials = make('change partials', (coordCheck ? MAX_STRIDED_GROUPS : 1) * PARTIAL_BYTES);
    this.initial = coordCheck
      ? this.series.map((_, s) => ({
          weights: shapes.map(([i, o], l) => make(`series ${s} initial W${l + 1}`, i * o * F32)),
          biases: shapes.map(([, o], l) => make(`series ${s} initial b${l + 1}`, o * F32)),
        }))
      : [];
    this.initialTrace = coordCheck
      ? scratch.trace.map((n, l) => make(`Z${l + 1} at initialization`, rows * n * F32))
      : [];
    this.blockState = make('block statistics', blocks * STATE.words * F32);
    this.readback = make('evaluation readback', readbackLayout(layers, blocks).words * F32, MAP_READ | COPY_DST);
    this.widths = widths;
  }

  /**
   * A session's buffers within the budget: every series' parameters whole (training keeps every layer's weights), and
   * evaluations in chunks of as many rows as one buffer allows. Throws GpuMemoryError, in words, when they do not fit
   * or the device cannot back them.
   */
  static async allocate(
    device: GPUDevice,
    data: Dataset,
    net: BufferedNetwork,
    config: Pick<ExperimentConfig, 'sweep' | 'train'>,
    budget: MemoryBudget,
  ): Promise<TrainBuffers> {
    const { batch, optimizer, coordCheck } = config.train;
    const { widths } = net;
    const widest = Math.max(...widths);
    const largestSet = Math.max(data.train.rows, data.test.rows);
    // The network pass evaluates a whole set in one pass (trainPasses.ts), its readout with it.
    const chunk = net.body ? largestSet : Math.min(largestSet, Math.floor(budget.buffer / (F32 * widest)));
    const rows = Math.max(batch, chunk);
    const series = config.sweep.length;
    const bytes = TrainBuffers.bytes(data, net, series, optimizer, rows, batch, coordCheck);
    const lower = "Lower width, depth, the dataset's size or the number of series, or train on the CPU engine.";
    const problem = TrainBuffers.check(bytes, budget);
    // Under the network pass a set's rows are one buffer: nothing smaller holds BatchNorm's batch of a whole set.
    const whole = net.body ? ` (an evaluation runs each set, ${rows} rows, through the network as one batch)` : '';
    if (problem)
      throw new GpuMemoryError(`This training does not fit the GPU memory it may use: ${problem}${whole}. ${lower}`);
    device.pushErrorScope('out-of-memory');
    const buffers = new TrainBuffers(device, data, net, series, optimizer, rows, batch, coordCheck);
    if (!(await device.popErrorScope())) return buffers;
    buffers.destroy();
    throw new GpuMemoryError(
      `The GPU could not give this training the ${formatBytes(bytes.total)} it asked for. ${lower}`,
    );
  }

  /** Bytes a session would allocate, to check against the budget before allocating. */
  static bytes(
    data: Dataset,
    net: BufferedNetwork,
    seriesCount: number,
    optimizer: OptimizerSpec,
    rows: number,
    maxIndices: number,
    coordCheck: boolean,
  ): { total: number; largest: number } {
    const { widths, matrices } = net;
    const scratch = scratchWidths(net);
    const params = matrices.reduce((sum, m) => sum + m.fanIn * m.fanOut + m.fanOut, 0);
    const states = optimizer.kind === 'adam' ? 2 : optimizer.momentum > 0 ? 1 : 0;
    const widest = Math.max(...widths);
    const largestLayer = Math.max(...matrices.map((m) => m.fanIn * m.fanOut));
    const values =
      data.train.x.length +
      data.train.y.length +
      data.test.x.length +
      data.test.y.length +
      maxIndices * (1 + widths[widths.length - 1]) +
      seriesCount * params * (2 + states + (coordCheck ? 1 : 0)) +
      rows * (scratch.input + (coordCheck ? 2 : 1) * scratch.trace.reduce((a, b) => a + b, 0)) +
      (net.body ? maxIndices : rows) * 2 * widest;
    // A set's rows of the widest layer: the plain MLP's chunk of δ, the network pass's rows of a whole set.
    const largest = Math.max(data.train.x.length, rows * widest, largestLayer, maxIndices) * F32;
    return { total: values * F32, largest };
  }

  /** Zeroes the evaluation's states before it accumulates into them. */
  clearEvaluation(): void {
    const words = (this.widths.length - 1) * STATE.words;
    const zeros = new Uint32Array(Math.max(words, 2 * STATE.words));
    for (const state of [this.evalState, this.gradStats, this.coordState, this.deltaState])
      this.device.queue.writeBuffer(state, 0, zeros, 0, words);
    this.device.queue.writeBuffer(this.lossState, 0, zeros, 0, 2 * STATE.words);
  }

  /** Whether the bytes fit the budget; in words when they do not. */
  private static check(bytes: { total: number; largest: number }, budget: MemoryBudget): string | null {
    if (bytes.largest > budget.buffer)
      return `its largest buffer takes ${bytes.largest} bytes, more than the ${budget.buffer}-byte buffers it may use`;
    if (bytes.total > budget.total)
      return `it keeps ${bytes.total} bytes on the GPU, more than the ${budget.total} bytes it may use`;
    return null;
  }

  destroy(): void {
    for (const buffer of this.all) buffer.destroy();
  }
}
