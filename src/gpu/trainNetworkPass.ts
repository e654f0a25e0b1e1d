/**
 * Training a network other than the plain MLP on the GPU (residual, or normalized): its body forward and back
 * through the network pass (networkPass.ts) over the series' own W and b, kept per matrix address, the readout
 * (trainReadout.ts), loss (trainLoss.ts) and evaluation here. An evaluation runs each set through the network as one
 * batch (BatchNorm normalizes a set as one, training.ts); the pass's statistics of the train set, copied into the
 * evaluation's layout (trainBuffers.ts), give each layer's pre and a block's branch and stream, the coordinate
 * kernel |Z| and |H| (H_l = φ(N(Z_l)) of a plain normalized layer, φ(Z_l) otherwise).
 */
import type { ExperimentConfig } from '../lab/config';
import type { Dataset } from '../lab/datasets';
import type { ForwardValues } from '../lab/training';
import { formatBytes } from '../lab/work';
import { type GpuContext, GpuMemoryError, readValues } from './device';
import { PARTIAL_BYTES, stridedGroups, tilesAlong } from './geometry';
import { STATE } from './layerState';
import { type MatrixSource, NetworkPass, PassBuffers, type PassNetwork, passStateSlots } from './networkPass';
import type { MemoryBudget } from './plan';
import { type SeriesParameters, TrainBuffers } from './trainBuffers';
import type { TrainKernels } from './trainKernels';
import { queueLoss } from './trainLoss';
import type { TrainNetwork } from './trainModel';
import { TrainPasses } from './trainPasses';
import { TrainReadout } from './trainReadout';
import type { InitialParameters, TrainRoute } from './trainRoute';

const SLOT_BYTES = STATE.words * 4;

/** The pass's view of a series' parameters: the matrix at `address` is at index address − 1. */
const sourceOf =
  (params: InitialParameters): MatrixSource =>
  (address) => ({ weights: params.weights[address - 1], biases: params.biases[address - 1] });

export class NetworkTrainPass implements TrainRoute {
  private readonly readout: TrainReadout;

  constructor(
    private readonly gpu: GpuContext,
    private readonly k: TrainKernels,
    private readonly b: TrainBuffers,
    private readonly p: TrainPasses,
    private readonly net: TrainNetwork,
    private readonly body: PassNetwork,
    private readonly data: Dataset,
  ) {
    this.readout = new TrainReadout(k, body, this.outputWidth);
  }

  /**
   * The route of a session whose buffers are allocated: its passes within what the memory budget leaves beside them
   * (the buffers are given back when the passes do not fit).
   */
  static async open(
    gpu: GpuContext,
    k: TrainKernels,
    b: TrainBuffers,
    session: { net: TrainNetwork; body: PassNetwork; data: Dataset; config: ExperimentConfig },
    budget: MemoryBudget,
  ): Promise<NetworkTrainPass> {
    const { net, body, data, config } = session;
    const { batch, optimizer, coordCheck } = config.train;
    const used = TrainBuffers.bytes(data, net, config.sweep.length, optimizer, b.rows, batch, coordCheck).total;
    const rows = { batch, set: Math.max(data.train.rows, data.test.rows), coordCheck };
    try {
      const passes = await TrainPasses.allocate(gpu.device, k, body, rows, budget, used);
      return new NetworkTrainPass(gpu, k, b, passes, net, body, data);
    } catch (error) {
      b.destroy();
      throw error;
    }
  }

  private get outputWidth(): number {
    return this.net.widths[this.net.widths.length - 1];
  }

  get batchInput(): GPUBuffer {
    return this.p.batchBuffers.input;
  }

  gradient(params: SeriesParameters, rows: number, step: number, measure: boolean): void {
    const { k, b, p, body, net } = this;
    const pass = p.batch;
    const source = sourceOf(params);
    for (let l = 1; l <= body.depth; l++) pass.forwardLayer(source, rows, p.scratchState, l);
    const [logits, delta, topGradient] = [b.trace[0], b.deltas[0], b.deltas[1]];
    this.readout.forward(
      params,
      pass.top(),
      rows,
      { output: logits, partials: b.partials, layerState: b.scratchState },
      false,
    );
    const lossRows = { logits, answers: b.batchAnswers, first: 0, rows, slot: null, delta, gradient: true };
    queueLoss(k, b, net, params, lossRows, step);
    const state = measure ? p.backwardState : p.scratchState;
    if (measure) p.clear(state);
    const gradState = measure ? b.gradStats : b.scratchState;
    this.readout.backward(params, pass.top(), rows, { delta, topGradient, partials: b.partials, gradState }, measure);
    pass.beginBackward(topGradient, 'top', rows, state);
    const grads = { weights: params.weightGrads, biases: params.biasGrads };
    for (let l = body.depth; l >= 1; l--) pass.backwardLayer(source, rows, state, l, grads);
    if (measure) this.copySlots(state, 0, b.gradStats, body.depth);
  }

  evaluateSets(params: SeriesParameters, initial: InitialParameters | null, step: number): void {
    const { k, b, p, body, net, data } = this;
    const { train, test } = data;
    p.clear(p.forwardState);
    this.copySet(b.trainX, train.rows, p.setBuffers.input);
    if (initial && p.initialBuffers) this.copySet(b.trainX, train.rows, p.initialBuffers.input);
    for (let l = 1; l <= body.depth; l++) {
      if (initial) p.initial?.forwardLayer(sourceOf(initial), train.rows, p.scratchState, l);
      p.set.forwardLayer(sourceOf(params), train.rows, p.forwardState, l);
      this.coordinates(l, train.rows, initial !== null);
    }
    this.copySlots(p.forwardState, 0, b.evalState, body.depth);
    if (net.blocks) this.copySlots(p.forwardState, body.depth, b.blockState, net.blocks);
    if (initial && p.initial) {
      const into = { output: b.initialTrace[0], partials: b.partials, layerState: b.scratchState };
      this.readout.forward(initial, p.initial.top(), train.rows, into, false);
    }
    const into = { output: b.trace[0], partials: b.partials, layerState: b.evalState };
    this.readout.forward(params, p.set.top(), train.rows, into, true);
    this.coordinates(body.depth + 1, train.rows, initial !== null);
    const rows = { logits: b.trace[0], first: 0, delta: b.deltas[0], gradient: false };
    queueLoss(k, b, net, params, { ...rows, answers: b.trainY, rows: train.rows, slot: 0 }, step);
    this.copySet(b.testX, test.rows, p.setBuffers.input);
    for (let l = 1; l <= body.depth; l++) p.set.forwardLayer(sourceOf(params), test.rows, p.scratchState, l);
    const scratch = { output: b.trace[0], partials: b.partials, layerState: b.scratchState };
    this.readout.forward(params, p.set.top(), test.rows, scratch, false);
    queueLoss(k, b, net, params, { ...rows, answers: b.testY, rows: test.rows, slot: 1 }, step);
  }

  /**
   * The coordinate sizes of layer l (the readout at depth + 1) on the train set just run: |Z| (slot A) and |H|
   * (slot B) into the coordinate state, and with `delta` Z − Z₀ against the initial network's pass.
   */
  private coordinates(l: number, rows: number, delta: boolean): void {
    const { k, b, p, body, net } = this;
    const readout = l > body.depth;
    const width = readout ? this.outputWidth : body.width;
    const values = readout ? b.trace[0] : p.set.pre(l);
    const initial = !delta ? values : readout ? b.initialTrace[0] : (p.initial?.pre(l) ?? values);
    const count = rows * width;
    const groups = stridedGroups(count, net.emulated);
    const phi = { id: body.activationId, slope: body.slope };
    // H is φ of what the pass activates: Z itself but in a plain normalized layer, N(Z), measured apart below.
    const activated = readout ? values : p.set.activated(l);
    const apart = activated !== values;
    const partials = { partials: b.coordPartials, deltaPartials: b.deltaPartials };
    const activation = readout || apart ? null : phi;
    k.coordinates.measure({ values, initial, ...partials }, { count, activation, delta, groups });
    const merge = (from: GPUBuffer, state: GPUBuffer, slots: 'both' | 'b') =>
      k.merge.merge(from, state, {
        partialCount: groups,
        target: { layer: l - 1, slots },
        exponent: 'none',
        ...(slots === 'b' ? { pair: 'post' as const } : {}),
      });
    merge(b.coordPartials, b.coordState, 'both');
    if (delta) merge(b.deltaPartials, b.deltaState, 'both');
    if (!apart) return;
    const step = { count, activation: phi, delta: false, groups };
    k.coordinates.measure({ values: activated, initial: activated, ...partials }, step);
    merge(b.coordPartials, b.coordState, 'b');
  }

  /** A set's x (`rows` rows) into a pass's input. */
  private copySet(x: GPUBuffer, rows: number, input: GPUBuffer): void {
    const encoder = this.gpu.device.createCommandEncoder();
    encoder.copyBufferToBuffer(x, 0, input, 0, rows * this.data.dim * 4);
    this.gpu.device.queue.submit([encoder.finish()]);
  }

  /** `count` state slots from slot `first` of a pass's state to slot 0 on of an evaluation's. */
  private copySlots(from: GPUBuffer, first: number, to: GPUBuffer, count: number): void {
    const encoder = this.gpu.device.createCommandEncoder();
    encoder.copyBufferToBuffer(from, first * SLOT_BYTES, to, 0, count * SLOT_BYTES);
    this.gpu.device.queue.submit([encoder.finish()]);
  }

  /** The points as one batch (BatchNorm normalizes them together, as the CPU trainer does), in buffers of their own. */
  async outputs(params: SeriesParameters, points: Float64Array, withLayers: boolean): Promise<ForwardValues> {
    const { gpu, body } = this;
    const { device } = gpu;
    const count = points.length / this.data.dim;
    const make = (label: string, bytes: number) =>
      device.createBuffer({
        label,
        size: Math.max(16, bytes),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
    const layer = count * Math.max(body.width, body.inputWidth) * 4;
    const cannot = `The GPU could not hold the network's values on ${count} points at once`;
    if (layer > device.limits.maxStorageBufferBindingSize)
      throw new GpuMemoryError(`${cannot}: a layer of them takes ${formatBytes(layer)}, more than a buffer may.`);
    device.pushErrorScope('out-of-memory');
    const buffers = PassBuffers.allocate(device, body, count, false);
    const into = {
      output: make('readout Z', count * this.outputWidth * 4),
      partials: make('readout partials', tilesAlong(count) * tilesAlong(this.outputWidth) * PARTIAL_BYTES),
      layerState: make('points state', passStateSlots(body) * SLOT_BYTES),
    };
    const layers = withLayers
      ? Array.from({ length: body.depth }, (_, l) => make(`Z${l + 1}`, count * body.width * 4))
      : [];
    const all = [...Object.values(into), ...layers];
    const destroy = () => {
      buffers.destroy();
      for (const buffer of all) buffer.destroy();
    };
    if (await device.popErrorScope()) {
      destroy();
      throw new GpuMemoryError(`${cannot}.`);
    }
    try {
      device.queue.writeBuffer(buffers.input, 0, Float32Array.from(points));
      const pass = new NetworkPass(this.k, buffers, body);
      for (let l = 1; l <= body.depth; l++) {
        pass.forwardLayer(sourceOf(params), count, into.layerState, l);
        if (!withLayers) continue;
        const encoder = device.createCommandEncoder();
        encoder.copyBufferToBuffer(pass.pre(l), 0, layers[l - 1], 0, count * body.width * 4);
        device.queue.submit([encoder.finish()]);
      }
      this.readout.forward(params, pass.top(), count, into, false);
      const outputs = await readValues(gpu, into.output, count * this.outputWidth);
      const pre = await Promise.all(layers.map((layer) => readValues(gpu, layer, count * body.width)));
      return { outputs, pre: withLayers ? [...pre, outputs] : [] };
    } finally {
      destroy();
    }
  }

  destroy(): void {
    this.p.destroy();
    this.b.destroy();
  }
}
