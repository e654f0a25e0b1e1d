/**
 * The network pass's buffers (networkPass.ts) a training session keeps for a network other than the plain MLP: a
 * minibatch's pass, every layer kept for the backward; a whole set's, one pass over it (BatchNorm normalizes a set as
 * one batch in an evaluation, training.ts, and a pass's statistics are of the rows it ran); the initial network's
 * beside it for the coordinate check; and the pass states the statistics merge into, the measured forward and
 * backward ones copied into the evaluation's layout (trainBuffers.ts) after each. Sized within what the memory
 * budget leaves, refused in words when a set's pass does not fit.
 */
import { formatBytes } from '../lab/work';
import { GpuMemoryError } from './device';
import { STATE } from './layerState';
import { NetworkPass, PassBuffers, type PassNetwork, passStateSlots } from './networkPass';
import type { MemoryBudget } from './plan';
import type { TrainKernels } from './trainKernels';

const F32 = 4;
const { STORAGE, COPY_SRC, COPY_DST } = GPUBufferUsage;

/** The rows of each pass: a minibatch, the larger set, and whether the initial network runs beside the train set. */
export interface PassRows {
  batch: number;
  set: number;
  coordCheck: boolean;
}

export class TrainPasses {
  readonly batch: NetworkPass;
  readonly set: NetworkPass;
  readonly initial: NetworkPass | null;
  readonly batchBuffers: PassBuffers;
  readonly setBuffers: PassBuffers;
  readonly initialBuffers: PassBuffers | null;
  /** The train set's forward statistics and a measured minibatch's backward ones, cleared before each. */
  readonly forwardState: GPUBuffer;
  readonly backwardState: GPUBuffer;
  /** Where the statistics no history entry reads go (unmeasured updates, the test set, the initial network). */
  readonly scratchState: GPUBuffer;
  private readonly states: GPUBuffer[];

  private constructor(
    private readonly device: GPUDevice,
    kernels: TrainKernels,
    body: PassNetwork,
    rows: PassRows,
  ) {
    this.batchBuffers = PassBuffers.allocate(device, body, rows.batch, true);
    this.setBuffers = PassBuffers.allocate(device, body, rows.set, false);
    this.initialBuffers = rows.coordCheck ? PassBuffers.allocate(device, body, rows.set, false) : null;
    this.batch = new NetworkPass(kernels, this.batchBuffers, body);
    this.set = new NetworkPass(kernels, this.setBuffers, body);
    this.initial = this.initialBuffers ? new NetworkPass(kernels, this.initialBuffers, body) : null;
    const bytes = passStateSlots(body) * STATE.words * F32;
    const state = (label: string) => device.createBuffer({ label, size: bytes, usage: STORAGE | COPY_SRC | COPY_DST });
    this.states = [state('pass forward state'), state('pass backward state'), state('pass scratch state')];
    [this.forwardState, this.backwardState, this.scratchState] = this.states;
  }

  /** Bytes the passes take: each PassBuffers, and the three states. */
  static bytes(body: PassNetwork, rows: PassRows): number {
    const sets = (rows.coordCheck ? 2 : 1) * PassBuffers.bytes(body, rows.set, false);
    return PassBuffers.bytes(body, rows.batch, true) + sets + 3 * passStateSlots(body) * STATE.words * F32;
  }

  /**
   * The passes within what `budget` leaves beside `used` bytes (TrainBuffers, whose rows of a whole set bound a
   * layer's buffer here too). Throws GpuMemoryError, in words, when they do not fit or the device cannot back them.
   */
  static async allocate(
    device: GPUDevice,
    kernels: TrainKernels,
    body: PassNetwork,
    rows: PassRows,
    budget: MemoryBudget,
    used: number,
  ): Promise<TrainPasses> {
    const bytes = TrainPasses.bytes(body, rows);
    const lower = "Lower the width or the dataset's size, or train on the CPU engine.";
    if (used + bytes > budget.total)
      throw new GpuMemoryError(
        `This training does not fit the GPU memory it may use: an evaluation runs the whole set of ${rows.set} rows through the network as one batch, and with its parameters it keeps ${formatBytes(used + bytes)} on the GPU, more than the ${formatBytes(budget.total)} it may use. ${lower}`,
      );
    device.pushErrorScope('out-of-memory');
    const passes = new TrainPasses(device, kernels, body, rows);
    if (!(await device.popErrorScope())) return passes;
    passes.destroy();
    throw new GpuMemoryError(
      `The GPU could not give this training the ${formatBytes(bytes)} its passes ask for. ${lower}`,
    );
  }

  /** Zeroes a state before a pass merges into it (its range flags are OR'd in). */
  clear(state: GPUBuffer): void {
    this.device.queue.writeBuffer(state, 0, new Uint32Array(state.size / 4));
  }

  destroy(): void {
    for (const buffers of [this.batchBuffers, this.setBuffers, this.initialBuffers]) buffers?.destroy();
    for (const state of this.states) state.destroy();
  }
}
