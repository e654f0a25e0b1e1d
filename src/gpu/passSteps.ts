/**
 * The products and element-wise steps a NetworkPass is made of, each one kernel's dispatch (in slabs of rows where a
 * product is long) over the pass's rows and buffers, its statistics merged into a state slot on request. Every
 * merge writes exponent 0: a pass computes its values at their own scale.
 */
import type { NormKind } from '../lab/architecture';
import { TILE } from './geometry';
import type { PassBuffers, PassNetwork } from './passBuffers';
import type { PassKernels } from './passKernels';

/** Matrix at `address` (weightMatrices order, 1-based): dense row-major [fanIn × fanOut] weights and fanOut biases.
 *  Called right before each product that reads it, forward and backward. */
export type MatrixSource = (address: number) => { weights: GPUBuffer; biases: GPUBuffer };

/** Gradients a trainer keeps: per address (index address − 1), ∂L/∂W dense [fanIn × fanOut] and ∂L/∂b [fanOut]. */
export interface PassGradients {
  weights: GPUBuffer[];
  biases: GPUBuffer[];
}

/** Multiply–adds of one dispatch at most: a few ms on a real GPU, so none runs into a watchdog's limit. */
const SLAB_MACS = 2 ** 27;

/** Offsets and sizes, multiples of TILE but the last, of slabs of `lines` whose line costs `macsPerLine`. */
function slabs(lines: number, macsPerLine: number): [number, number][] {
  const size = Math.max(TILE, Math.floor(SLAB_MACS / Math.max(1, macsPerLine) / TILE) * TILE);
  const out: [number, number][] = [];
  for (let offset = 0; offset < lines; offset += size) out.push([offset, Math.min(size, lines - offset)]);
  return out;
}

/** A product's input: its values, their width, and whether φ is applied on load. */
export interface ProductInput {
  values: GPUBuffer;
  fanIn: number;
  activate: boolean;
}

export class PassSteps {
  constructor(
    private readonly kernels: PassKernels,
    private readonly buffers: PassBuffers,
    private readonly net: PassNetwork,
    readonly rows: number,
    readonly state: GPUBuffer,
  ) {}

  private get norm(): Exclude<NormKind, 'none'> {
    if (this.net.norm === 'none') throw new Error('no normalization to compute');
    return this.net.norm;
  }

  /** Merges `count` partials into `slot`: both of pairs, one half of pairs, or single Moments ('a' or 'b'). */
  merge(count: number, slot: number, slots: 'both' | 'a' | 'b', pair?: 'pre' | 'post'): void {
    const target = { layer: slot, slots };
    this.kernels.merge.merge(this.buffers.partials, this.state, {
      partialCount: count,
      target,
      exponent: 'none',
      pair,
    });
  }

  /** output = φ_in(input)·W + b of the matrix at `address`; flags into `slot` (Z in A's bits, φ(Z) in B's). */
  product(source: MatrixSource, address: number, input: ProductInput, output: GPUBuffer, slot: number): number {
    const { rows, net } = this;
    const { weights, biases } = source(address);
    const buffers = { input: input.values, weights, biases, output, partials: this.buffers.partials };
    const step = { rows, fanIn: input.fanIn, fanOut: net.width, activationId: net.activationId, slope: net.slope };
    const full = { ...step, activateInput: input.activate, layer: slot };
    for (const [offset, size] of slabs(rows, input.fanIn * net.width))
      this.kernels.layer.slab({ ...buffers, layerState: this.state }, full, offset, size, 0, net.width);
    return Math.ceil(rows / TILE) * Math.ceil(net.width / TILE);
  }

  /** (upstream·Wᵀ) ⊙ φ'(pre) of the matrix at `address` [fanIn × width]; flags into slot `layer` − 1. */
  transposed(
    source: MatrixSource,
    address: number,
    upstream: GPUBuffer,
    pre: GPUBuffer,
    output: GPUBuffer,
    fanIn: number,
    layer: number,
  ): number {
    const { rows, net } = this;
    const { weights } = source(address);
    const buffers = { upstream, weights, pre, delta: output, partials: this.buffers.partials, gradState: this.state };
    const step = { rows, fanIn, fanOut: net.width, activationId: net.activationId, layer, slope: net.slope };
    for (const [offset, size] of slabs(rows, fanIn * net.width))
      this.kernels.backwardLayer.slab(buffers, step, offset, size, 0, fanIn);
    return Math.ceil(rows / TILE) * Math.ceil(fanIn / TILE);
  }

  /** ∂L/∂W = φ_in(input)ᵀ·delta, stored in `sum` when given; flags into slot B's bits of `slot`. */
  weightGradient(input: ProductInput, delta: GPUBuffer, slot: number, sum?: GPUBuffer): number {
    const { rows, net } = this;
    const { fanIn } = input;
    const buffers = { input: input.values, delta, sum: sum ?? this.buffers.noSum, partials: this.buffers.partials };
    const step = {
      rows,
      fanIn,
      fanOut: net.width,
      activationId: net.activationId,
      activateInput: input.activate,
      layer: slot,
      slope: net.slope,
      add: false,
      store: sum !== undefined,
      reduce: true,
    };
    for (const [offset, size] of slabs(fanIn, rows * net.width))
      this.kernels.weightGradient.slab({ ...buffers, gradState: this.state }, step, offset, size, 0);
    return Math.ceil(fanIn / TILE) * Math.ceil(net.width / TILE);
  }

  /** x_l copied to x_{l+1}'s buffer, which the stream update then changes in place. */
  copy(from: GPUBuffer, to: GPUBuffer): void {
    const { device } = this.buffers;
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(from, 0, to, 0, this.rows * this.net.width * 4);
    device.queue.submit([encoder.finish()]);
  }

  /** ∂L/∂b = the column sums of a layer's δ. */
  biasGradient(delta: GPUBuffer, sums: GPUBuffer): void {
    this.kernels.columnSums.run(delta, sums, this.rows, this.net.width);
  }

  /** output = factor·values (+ output); flags into slot A's bits of `slot`. */
  scaleAdd(values: GPUBuffer, output: GPUBuffer, factor: number, accumulate: boolean, slot: number): number {
    const buffers = { values, output, partials: this.buffers.partials, layerState: this.state };
    return this.kernels.scaleAdd.run(buffers, { rows: this.rows, width: this.net.width, factor, accumulate, slot });
  }

  /** N of `values` into N(v) number `index` of the buffers, with its factors; flags into `slot`. */
  normalize(values: GPUBuffer, index: number, slot: number): number {
    const { net } = this;
    const target = this.buffers.normalizedOf(index);
    const buffers = { values, normalized: target.values, factors: target.factors, partials: this.buffers.partials };
    const { eps, activationId, slope } = net;
    const step = { kind: this.norm, rows: this.rows, width: net.width, eps, activationId, slope, slot, record: true };
    return this.kernels.normalize.normalize({ ...buffers, layerState: this.state }, step);
  }

  /** ∂L/∂v from ∂L/∂N(v) = `gradient`, v normalized as number `index`, into (or onto) `output`. */
  normalizeBackward(gradient: GPUBuffer, index: number, output: GPUBuffer, accumulate: boolean, slot: number): number {
    const { values, factors } = this.buffers.normalizedOf(index);
    const buffers = { gradient, normalized: values, factors, output, partials: this.buffers.partials };
    const step = { kind: this.norm, rows: this.rows, width: this.net.width, accumulate, slot };
    return this.kernels.normalizeBackward.backward({ ...buffers, layerState: this.state }, step);
  }
}
