/**
 * One chunk of rows through a residual network, forward (src/lab/architecture.ts gives the model): x_1 = X·W_in + b,
 * then per block Z_l = φ(N(x_l))·W_{l,1} + b with H_l = φ(Z_l) (the layer kernel, φ applied on load; N the normalize
 * kernel's LayerNorm or the identity), y_l = H_l·W_{l,2} + b (the layer kernel again) and x_{l+1} = x_l + α·y_l in place (the
 * stream kernel). Each matrix has the state slot of
 * its address − 1, and block l's branch and stream slot 2·depth + l. Values are computed at their own scale, with no
 * exponent carried (the exact route's exponents are per layer, and a sum of two scales has none): figures float32
 * cannot hold are flagged by the kernels, never reported.
 */
import type { Quantity, RangeFlag } from '../lab/results';
import type { GpuContext } from './device';
import { tilesAlong } from './geometry';
import type { ChunkJob, ChunkLayer, ChunkOutcome, Pace } from './job';
import type { Kernels } from './kernels';
import { decodeState, FORWARD_SLOTS } from './layerState';
import { forwardStep } from './layerStep';
import { weightScale } from './layerWeights';
import type { RunBuffers } from './runBuffers';

/** What a block's stream state holds: the branch α·y_l in slot A, the stream x_{l+1} in slot B. */
const STREAM_SLOTS = ['branch', 'stream'] as const satisfies readonly [Quantity, Quantity];
/** The slot of W_{l,2}'s product: y_l, whose range problems are the branch's, then φ(y_l), no value of the network. */
const BRANCH_OUT_SLOTS = ['branch', 'post'] as const satisfies readonly [Quantity, Quantity];

export interface ResidualContext {
  gpu: GpuContext;
  kernels: Pick<Kernels, 'weights' | 'layer' | 'merge' | 'residualStream' | 'normalize'>;
  buffers: RunBuffers;
  pace: Pace;
  forwardColumns: number;
  /** The layer states, read back. */
  readStates: () => Promise<Uint32Array>;
  /** Appends to the submit that merges block `block`'s Z_l, while `pre` holds it (the captured rows' copies). */
  afterPre: (encoder: GPUCommandEncoder, pre: GPUBuffer, block: number) => void;
}

export async function residualForward(
  context: ResidualContext,
  job: ChunkJob,
  inputFlags: RangeFlag[],
  onLayer: (block: number) => Promise<void>,
): Promise<ChunkOutcome> {
  const { kernels, buffers, pace, forwardColumns } = context;
  const { net } = job;
  const rows = job.rows.length;
  const { alpha, layerNormEps } = net.residual!;
  const [input, middle] = buffers.activations;
  const branchOut = buffers.branch!;
  const { weights, biases, partials, layerState } = buffers;
  const partialCount = tilesAlong(rows) * tilesAlong(net.width);
  // The product of the matrix at `address` from `from` into `to`, merged into its slot.
  const product = (address: number, from: GPUBuffer, to: GPUBuffer, after?: (encoder: GPUCommandEncoder) => void) => {
    const layerBuffers = { input: from, weights, biases, output: to, partials, layerState };
    forwardStep(kernels, layerBuffers, net, rows, address, pace, forwardColumns);
    const target = { layer: address - 1, slots: 'both' } as const;
    kernels.merge.merge(partials, layerState, { partialCount, target, exponent: 'none' }, after);
  };
  // X is read once: its buffer then holds each block's Z_l, and `middle` the stream; `branchOut` holds N(x_l) until
  // y_l replaces it.
  product(1, input, middle);
  const streamSlot = (block: number) => 2 * net.depth + block;
  for (let block = 1; block <= net.depth; block++) {
    const started = performance.now();
    if (layerNormEps !== null) {
      // Without `record` the factors and partials are bound but never written: a forward run reads neither.
      const normBuffers = { values: middle, normalized: branchOut, factors: biases, partials, layerState };
      const { activationId, slope } = net;
      const step = { kind: 'layer', rows, width: net.width, eps: layerNormEps, activationId, slope } as const;
      kernels.normalize.normalize(normBuffers, { ...step, slot: 2 * block - 1, record: false });
    }
    const branchInput = layerNormEps === null ? middle : branchOut;
    product(2 * block, branchInput, input, (encoder) => context.afterPre(encoder, input, block));
    product(2 * block + 1, input, branchOut);
    const stream = { branchOut, stream: middle, partials, layerState };
    const count = kernels.residualStream.update(stream, rows, net.width, alpha, streamSlot(block));
    const target = { layer: streamSlot(block), slots: 'both' } as const;
    kernels.merge.merge(partials, layerState, { partialCount: count, target, exponent: 'none' });
    await context.gpu.settle(context.gpu.device.queue.onSubmittedWorkDone());
    const elapsed = performance.now() - started;
    // Only blocks long enough to time well refine the pace, as the plain network's layers do.
    if (elapsed > 10) pace.macsPerMs = (2 * rows * net.width * net.width) / elapsed;
    await onLayer(block);
  }
  const words = await context.readStates();
  const layers: ChunkLayer[] = [];
  const projection = decodeState(words, 0, ['pre', 'pre']);
  for (let block = 1; block <= net.depth; block++) {
    const branchIn = decodeState(words, 2 * block - 1, FORWARD_SLOTS);
    const branchOutState = decodeState(words, 2 * block, BRANCH_OUT_SLOTS);
    const stream = decodeState(words, streamSlot(block), STREAM_SLOTS);
    // The input's and W_in's problems are block 1's pre-activations'; each matrix's scale, its product's.
    const inherited = block === 1 ? [...inputFlags, ...projection.flags, ...weightScale(net, 1).flags] : [];
    const branchScaleFlags = weightScale(net, 2 * block + 1).flags.map((f) => ({ ...f, quantity: 'branch' as const }));
    layers.push({
      pre: branchIn.a,
      post: branchIn.b,
      branch: stream.a,
      stream: stream.b,
      flags: [
        ...inherited,
        ...weightScale(net, 2 * block).flags,
        ...branchIn.flags,
        ...branchOutState.flags.filter((f) => f.quantity === 'branch'),
        ...branchScaleFlags,
        ...stream.flags,
      ],
    });
  }
  return { layers, exponents: { forward: [], backward: [] }, scales: [] };
}
