/**
 * Runs one trial of a network through the float64 reference (networkForward/networkBackward, which draws its weights)
 * and through the GPU's NetworkPass with those weights as float32 (the test rounds the reference's draws, so both
 * hold the same) and the same float32 input and output gradient, and reads back the GPU's states and gradients.
 */
import { transposedProduct, weightGradient } from '../../src/cpu/backward';
import { backwardTrial } from '../../src/cpu/networkBackward';
import { type ForwardLayer, forwardTrial, type Measured, type NetworkTrace } from '../../src/cpu/networkForward';
import { type GpuContext, mappedBytes } from '../../src/gpu/device';
import {
  NetworkPass,
  PassBuffers,
  type PassGradients,
  type PassNetwork,
  passStateSlots,
} from '../../src/gpu/networkPass';
import type { PassKernels } from '../../src/gpu/passKernels';
import { bindActivation } from '../../src/lab/activations';
import { branchScale, weightMatrices } from '../../src/lab/architecture';
import { layerBiases } from '../../src/lab/bias';
import { type ExperimentConfig, inputWidth } from '../../src/lab/config';
import { normalize, normalizeBackward } from '../../src/lab/normalization';

const { STORAGE, COPY_SRC, COPY_DST, MAP_READ } = GPUBufferUsage;

/** Normal draws (Box–Muller on a fixed LCG), rounded to float32 as the GPU holds them. */
export function float32Normals(count: number, seed: number): Float64Array {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return Float64Array.from(Float32Array.from(out));
}

export function upload(gpu: GpuContext, values: ArrayLike<number>): GPUBuffer {
  const data = Float32Array.from(values);
  const buffer = gpu.device.createBuffer({ size: Math.max(16, data.byteLength), usage: STORAGE | COPY_SRC | COPY_DST });
  gpu.device.queue.writeBuffer(buffer, 0, data);
  return buffer;
}

export async function download(gpu: GpuContext, buffer: GPUBuffer): Promise<Float32Array> {
  const readback = gpu.device.createBuffer({ size: buffer.size, usage: MAP_READ | COPY_DST });
  const encoder = gpu.device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, readback, 0, buffer.size);
  gpu.device.queue.submit([encoder.finish()]);
  const bytes = await mappedBytes(gpu, readback);
  readback.destroy();
  return new Float32Array(bytes);
}

export const zeros = (gpu: GpuContext, count: number) => upload(gpu, new Float64Array(count));

/** The CPU's run: its trace, each layer's forward and backward quantities, and the float64 gradients per address. */
export interface CpuRun {
  trace: NetworkTrace;
  forward: Measured[][];
  backward: Measured[][];
  /** Per address (index address − 1): ∂L/∂W and ∂L/∂b, and the size of ∂L/∂b's terms' sum without cancellation. */
  gradients: { weights: Float64Array; biases: Float64Array; biasScale: number }[];
  /** The weights each address holds. */
  weights: Float64Array[];
  input: Float64Array;
  /** What the GPU's beginBackward is given, and where. */
  start: { gradient: Float64Array; at: 'top' | 'stream' };
  /** v_top: N(Z_L) or Z_L, N(x_{L+1}) or x_{L+1}. */
  top: Float64Array;
}

const columnSums = (values: Float64Array, rows: number, width: number) => {
  const sums = new Float64Array(width);
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) sums[j] += values[r * width + j];
  return sums;
};

/** A PassNetwork from a config. */
export function passNetwork(c: ExperimentConfig): PassNetwork {
  const { architecture: a } = c;
  const [alpha, activationId] = [branchScale(a, c.depth), bindActivation(c.activation, c).id];
  const common = { norm: a.norm, eps: a.eps, alpha, inputWidth: inputWidth(c), width: c.width, depth: c.depth };
  return { kind: a.kind, ...common, activationId, slope: c.slope };
}

/** The float64 reference; `at` 'top' starts a residual network's backward at ∂L/∂N(x_{L+1}) (the trainer's way). */
export async function cpuRun(c: ExperimentConfig, rows: number, at: 'top' | 'stream'): Promise<CpuRun> {
  const { width, depth, architecture } = c;
  const activation = bindActivation(c.activation, c);
  const input = float32Normals(rows * inputWidth(c), 11);
  const forward: Measured[][] = [];
  const onLayer = async (layer: ForwardLayer) => void forward.push(layer.measured);
  const context = { config: c, spec: c.sweep[0], series: 0, trial: 0, input, rows, activation, keep: true };
  const trace = await forwardTrial({ ...context, pace: async () => {}, onLayer });
  const g = float32Normals(rows * width, 23);
  const norm = architecture.norm === 'none' ? null : architecture.norm;
  const stream = trace.kind === 'residual' ? forward[depth - 1].find((m) => m.quantity === 'stream')!.values : null;
  const last = trace.kind === 'plain' ? trace.layers[depth - 1] : null;
  const top = stream
    ? norm
      ? normalize(norm, stream, rows, width, architecture.eps).values
      : stream
    : (last!.normalized?.values ?? last!.pre);
  let outputGrad = g;
  let start: CpuRun['start'] = { gradient: g, at: 'stream' };
  if (trace.kind === 'plain') {
    // ∂L/∂v_top = g ⊙ φ'(v_top), the engine's start of a plain network.
    start = { gradient: Float64Array.from(Float32Array.from(g.map((v, e) => v * activation.df(top[e])))), at: 'top' };
  } else if (at === 'top' && norm) {
    outputGrad = normalizeBackward(norm, normalize(norm, stream!, rows, width, architecture.eps), g, rows, width);
    start = { gradient: g, at: 'top' };
  }
  const alpha = branchScale(architecture, depth);
  const kinds = forward.map((measured) => Object.fromEntries(measured.map((m) => [m.quantity, m.kinds])));
  const backContext = { activation, architecture, alpha, rows, width, forward: kinds };
  const backward = backwardTrial(backContext, trace, outputGrad);
  const quantity = (l: number, q: string) => backward[l].find((m) => m.quantity === q)!.values;
  // A column sum's rounding scales with its terms, √rows·RMS(δ), though BatchNorm's δ cancels to 0 in every column.
  const termScale = (delta: Float64Array) => Math.sqrt(delta.reduce((sum, v) => sum + v * v, 0) / width);
  const gradient = (weights: Float64Array, delta: Float64Array) => ({
    weights,
    biases: columnSums(delta, rows, width),
    biasScale: termScale(delta),
  });
  if (trace.kind === 'plain')
    return {
      trace,
      forward,
      backward,
      input,
      start,
      weights: trace.layers.map((t) => t.weights),
      gradients: trace.layers.map((_, l) => gradient(quantity(l, 'weightGrad'), quantity(l, 'grad'))),
      top,
    };
  // ∂L/∂x_1 = s_1 + J_Nᵀ((δ_1·W_{1,1}ᵀ) ⊙ φ'(N(x_1))), which networkBackward.ts computes and drops.
  const first = trace.layers[0];
  const through = transposedProduct(quantity(0, 'grad'), first.weightsIn, rows, width, width);
  const v = first.normalized ? first.normalized.values : first.stream;
  const product = through.map((t, e) => t * activation.df(v[e]));
  const back = norm && first.normalized ? normalizeBackward(norm, first.normalized, product, rows, width) : product;
  const s1 = quantity(0, 'streamGrad').map((s, e) => s + back[e]);
  const gradients = [gradient(weightGradient(input, s1, rows, inputWidth(c), width), s1)];
  const weights = [trace.projection];
  trace.layers.forEach((t, l) => {
    const scaled = quantity(l, 'streamGrad').map((s) => alpha * s);
    gradients.push(gradient(quantity(l, 'weightGrad'), quantity(l, 'grad')));
    gradients.push(gradient(quantity(l, 'branchWeightGrad'), scaled));
    weights.push(t.weightsIn, t.weightsOut);
  });
  return { trace, forward, backward, gradients, weights, input, start, top };
}

export interface GpuRun {
  forward: Uint32Array;
  /** top(): the values the network's output is φ of. */
  top: Float32Array;
  /** With keep, the backward states and the kept gradients per address. */
  backward: Uint32Array | null;
  gradients: { weights: Float32Array; biases: Float32Array }[];
}

/** The same trial through a NetworkPass: with keep, forward and backward keeping every gradient; else forward. */
export async function gpuRun(
  gpu: GpuContext,
  kernels: PassKernels,
  c: ExperimentConfig,
  cpu: CpuRun,
  rows: number,
  keep: boolean,
): Promise<GpuRun> {
  const net = passNetwork(c);
  const matrices = weightMatrices(c.architecture, net.inputWidth, net.width, net.depth);
  const made = matrices.map((m, i) => ({
    weights: upload(gpu, cpu.weights[i]),
    biases: upload(gpu, layerBiases(c.bias, c.seed, 0, m.address, m.fanOut)),
  }));
  const grads: PassGradients = {
    weights: matrices.map((m) => zeros(gpu, m.fanIn * m.fanOut)),
    biases: matrices.map((m) => zeros(gpu, m.fanOut)),
  };
  const buffers = PassBuffers.allocate(gpu.device, net, rows, keep);
  gpu.device.queue.writeBuffer(buffers.input, 0, Float32Array.from(cpu.input));
  const words = passStateSlots(net) * 8;
  const [forwardState, backwardState] = [zeros(gpu, words), zeros(gpu, words)];
  const pass = new NetworkPass(kernels, buffers, net);
  const source = (address: number) => made[address - 1];
  for (let l = 1; l <= net.depth; l++) pass.forwardLayer(source, rows, forwardState, l);
  const start = upload(gpu, cpu.start.gradient);
  if (keep) {
    pass.beginBackward(start, cpu.start.at, rows, backwardState);
    for (let l = net.depth; l >= 1; l--) pass.backwardLayer(source, rows, backwardState, l, grads);
  }
  const asWords = async (b: GPUBuffer) => new Uint32Array((await download(gpu, b)).buffer);
  const run: GpuRun = {
    forward: await asWords(forwardState),
    top: (await download(gpu, pass.top())).subarray(0, rows * net.width),
    backward: keep ? await asWords(backwardState) : null,
    gradients: await Promise.all(
      matrices.map(async (_, i) => ({
        weights: await download(gpu, grads.weights[i]),
        biases: await download(gpu, grads.biases[i]),
      })),
    ),
  };
  const made32 = made.flatMap((m) => [m.weights, m.biases]);
  for (const b of [...made32, ...grads.weights, ...grads.biases, start, forwardState, backwardState]) b.destroy();
  buffers.destroy();
  return run;
}
