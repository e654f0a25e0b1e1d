/**
 * One chunk of rows through any network but the plain MLP (src/lab/architecture.ts gives the model): the network pass
 * (networkPass.ts) forward, block by block, then with a backward pass the lab's probe — L = Σ g ⊙ H_L for a plain
 * network, L = Σ g ⊙ x_{L+1} for a residual one, g from the output-gradient stream — back through every block. Each
 * matrix is drawn from the Philox stream into the one weights buffer right before each product that reads it, as the
 * plain network's layers are. Values are computed at their own scale, with no exponent carried (a sum of two scales
 * has none, and a normalization divides any out): figures float32 cannot hold are flagged, never reported.
 */
import { activations } from '../lab/activations';
import { layerBiases } from '../lab/bias';
import type { RangeFlag } from '../lab/results';
import type { GpuContext } from './device';
import type { HistogramQuantity } from './histogramSet';
import type { ChunkJob, ChunkLayer, ChunkOutcome, TrialNetwork } from './job';
import type { Kernels } from './kernels';
import { decodeState } from './layerState';
import { loadWeightBlock, weightScale } from './layerWeights';
import { type MatrixSource, NetworkPass, type PassGradients, type PassKernels } from './networkPass';
import type { OutputGradientKernel } from './outputGradientKernel';
import type { RunBuffers } from './runBuffers';

export interface NetworkChunkContext {
  gpu: GpuContext;
  /** The pass's kernels, the weights kernel that draws each matrix, and with a backward pass the probe's g. */
  kernels: PassKernels & Pick<Kernels, 'weights'> & { outputGradient: OutputGradientKernel | null };
  buffers: RunBuffers;
  /** A state buffer read back through its readback buffer. */
  read: (state: GPUBuffer, readback: GPUBuffer) => Promise<Uint32Array>;
  /** Measures Z_l in `pre` after the work queued so far: the chunk's captured rows, and its pairs' cosines. */
  measure: (pre: GPUBuffer, layer: number) => void;
  /** Between layers, forward then backward: progress and cancellation. */
  onLayer: (layer: number) => Promise<void>;
  /** With histograms, counts `count` values (φ of them with `applyPhi`) of a layer's quantity; else null. */
  histogram:
    | ((quantity: HistogramQuantity, layer: number, values: GPUBuffer, count: number, applyPhi: boolean) => void)
    | null;
}

/** W_l is the matrix at address l of a plain network; a block's W_{l,1} and W_{l,2} are at 2l and 2l + 1. */
const inAddress = (net: TrialNetwork, l: number) => (net.architecture!.kind === 'residual' ? 2 * l : l);
const fanIn = (net: TrialNetwork, address: number) => (address === 1 ? net.inputWidth : net.width);

/**
 * The trial's matrix at `address` and its biases, into the run's weights and biases buffers; `drawn` sees each
 * matrix in the weights buffer (the forward pass's histograms of W_l).
 */
function matrixSource(
  context: NetworkChunkContext,
  net: TrialNetwork,
  drawn?: (address: number) => void,
): MatrixSource {
  const { kernels, buffers } = context;
  return (address) => {
    const block = { rowOffset: 0, rows: fanIn(net, address), colOffset: 0, cols: net.width };
    loadWeightBlock(kernels.weights, buffers.weights, net, address, block);
    const biases = layerBiases(net.bias, net.seed, net.trial, address, net.width);
    kernels.layer.writeBiases(buffers.biases, Float32Array.from(biases));
    drawn?.(address);
    return { weights: buffers.weights, biases: buffers.biases };
  };
}

export async function networkChunk(
  context: NetworkChunkContext,
  job: ChunkJob,
  inputFlags: RangeFlag[],
): Promise<ChunkOutcome> {
  const { gpu, kernels, buffers } = context;
  const net = job.net;
  const shape = net.architecture!;
  const rows = job.rows.length;
  const pass = new NetworkPass(kernels, buffers.network!, shape);
  const count = rows * net.width;
  const histogram = context.histogram;
  const source = matrixSource(context, net, (address) => {
    const l = address / (shape.kind === 'residual' ? 2 : 1);
    if (histogram && Number.isInteger(l) && l >= 1 && l <= net.depth)
      histogram('weights', l, buffers.weights, fanIn(net, address) * net.width, false);
  });
  // The inputs were drawn where the plain network reads them; the pass reads its own input buffer.
  const copy = gpu.device.createCommandEncoder();
  copy.copyBufferToBuffer(buffers.activations[0], 0, buffers.network!.input, 0, rows * net.inputWidth * 4);
  gpu.device.queue.submit([copy.finish()]);
  for (let l = 1; l <= net.depth; l++) {
    pass.forwardLayer(source, rows, buffers.layerState, l);
    context.measure(pass.pre(l), l);
    histogram?.('pre', l, pass.pre(l), count, false);
    histogram?.('post', l, pass.activated(l), count, true);
    await gpu.settle(gpu.device.queue.onSubmittedWorkDone());
    await context.onLayer(l);
  }
  if (job.backward) await backward(context, job, pass, matrixSource(context, net));
  return decode(context, job, inputFlags);
}

/** The probe's g (drawn, ⊙ φ'(N(Z_L)) for a plain network) and the pass back through every block. */
async function backward(context: NetworkChunkContext, job: ChunkJob, pass: NetworkPass, source: MatrixSource) {
  const { gpu, buffers } = context;
  const { net } = job;
  const shape = net.architecture!;
  const b = buffers.backward!;
  const rows = job.rows.length;
  const plain = shape.kind === 'plain';
  // A residual probe reads x_{L+1} itself: g passes through the identity's slope, 1.
  context.kernels.outputGradient!.run(
    {
      batchRows: buffers.rows,
      pre: plain ? pass.top() : pass.stream(),
      delta: b.deltas[0],
      partials: buffers.partials,
      gradState: b.gradState,
    },
    {
      seed: net.seed,
      trial: net.trial,
      rows,
      width: net.width,
      depth: net.depth,
      activationId: plain ? net.activationId : activations.linear.id,
      slope: net.slope,
    },
  );
  pass.beginBackward(b.deltas[0], plain ? 'top' : 'stream', rows, b.gradState);
  const histogram = context.histogram;
  const count = rows * net.width;
  if (plain) histogram?.('grad', net.depth, pass.delta(), count, false);
  const grads = histogram ? scratchGradients(net, b.sums) : undefined;
  for (let l = net.depth; l >= 1; l--) {
    pass.backwardLayer(source, rows, b.gradState, l, grads);
    if (histogram) {
      histogram('weightGrad', l, b.sums[0], fanIn(net, inAddress(net, l)) * net.width, false);
      const layer = plain ? l - 1 : l;
      if (layer >= 1) histogram('grad', layer, pass.delta(), count, false);
    }
    await gpu.settle(gpu.device.queue.onSubmittedWorkDone());
    await context.onLayer(l);
  }
}

/**
 * Where the pass stores ∂L/∂W for histograms: each layer's W_l or W_{l,1} in sums[0], counted right after its step
 * (a block's W_{l,2} is written there first and replaced); W_in's (a residual network's block 1 computes it after
 * W_{1,1}'s) and every ∂L/∂b in sums[1], which nothing reads.
 */
function scratchGradients(net: TrialNetwork, sums: GPUBuffer[]): PassGradients {
  const residual = net.architecture!.kind === 'residual';
  const matrices = residual ? 2 * net.depth + 1 : net.depth;
  const weights = Array.from({ length: matrices }, (_, i) => (residual && i === 0 ? sums[1] : sums[0]));
  return { weights, biases: new Array(matrices).fill(sums[1]) };
}

/** The states read back into each layer's statistics (networkPass.ts's layout) and range flags. */
async function decode(context: NetworkChunkContext, job: ChunkJob, inputFlags: RangeFlag[]): Promise<ChunkOutcome> {
  const { buffers } = context;
  const { net } = job;
  const residual = net.architecture!.kind === 'residual';
  const words = await context.read(buffers.layerState, buffers.stateReadback);
  const b = buffers.backward;
  const gradWords = job.backward && b ? await context.read(b.gradState, b.gradStateReadback) : null;
  const layers: ChunkLayer[] = [];
  for (let l = 1; l <= net.depth; l++) {
    const forward = decodeState(words, l - 1, ['pre', 'post']);
    const layer: ChunkLayer = { pre: forward.a, post: forward.b, flags: [...forward.flags] };
    if (l === 1) layer.flags.push(...inputFlags, ...(residual ? weightScale(net, 1).flags : []));
    layer.flags.push(...weightScale(net, inAddress(net, l)).flags);
    if (residual) {
      const block = decodeState(words, net.depth + l - 1, ['branch', 'stream']);
      Object.assign(layer, { branch: block.a, stream: block.b });
      const outScale = weightScale(net, 2 * l + 1).flags.map((f) => ({ ...f, quantity: 'branch' as const }));
      layer.flags.push(...block.flags, ...outScale);
    }
    if (gradWords) {
      const grads = decodeState(gradWords, l - 1, ['grad', 'weightGrad']);
      Object.assign(layer, { grad: grads.a, weightGrad: grads.b });
      layer.flags.push(...grads.flags);
      if (residual) {
        const stream = decodeState(gradWords, net.depth + l - 1, ['streamGrad', 'branchWeightGrad']);
        Object.assign(layer, { streamGrad: stream.a, branchWeightGrad: stream.b });
        layer.flags.push(...stream.flags);
      }
    }
    layers.push(layer);
  }
  // Every value is at its own scale: no power of two between the GPU's histograms and the true ones.
  const scales = layers.map(() => ({ pre: 0, post: 0, weights: 0, grad: 0, weightGrad: 0 }));
  return { layers, exponents: { forward: [], backward: [] }, scales };
}
