/**
 * The network a NetworkPass computes (src/lab/architecture.ts's model, as numbers), its state layout, and the buffers
 * of its rows: what each layer or block writes and, with `keep`, what the backward pass reads again.
 */
import type { NormKind } from '../lab/architecture';
import { PARTIAL_BYTES, tilesAlong } from './geometry';

export interface PassNetwork {
  kind: 'plain' | 'residual';
  norm: NormKind;
  eps: number;
  /** α of residual blocks (ignored for plain). */
  alpha: number;
  /** n_0. */
  inputWidth: number;
  width: number;
  /** Layers (plain) or blocks (residual). */
  depth: number;
  activationId: number;
  slope: number;
}

/** The two scratch slots after the reported ones: the flags of intermediate products, and the (0) exponent read. */
const SCRATCH_SLOTS = 2;

/** The slots a network's statistics take: per layer, and for a residual network per block's stream too. */
const reportedSlots = (net: PassNetwork) => (net.kind === 'plain' ? net.depth : 2 * net.depth);

/**
 * Number of 8-word states (layerState.ts) a forward or backward state buffer needs. Slot l − 1: layer l's pre/post
 * (grad/weightGrad); residual slot depth + l − 1: block l's branch/stream (streamGrad/branchWeightGrad); then the
 * scratch slots, whose flags no one reads. Every exponent stays 0.
 */
export function passStateSlots(net: PassNetwork): number {
  return reportedSlots(net) + SCRATCH_SLOTS;
}

/** The first scratch slot: intermediate products' flags (a kernel reading its `layer` + 1 finds the next one's 0). */
export const scratchSlot = (net: PassNetwork) => reportedSlots(net);

const F32 = 4;
/** Every buffer takes at least this much: WebGPU binds no empty buffer. */
const MIN_BYTES = 16;

/** The bytes of each buffer PassBuffers holds, by role. */
function plan(net: PassNetwork, rows: number, keep: boolean) {
  const residual = net.kind === 'residual';
  const normed = net.norm !== 'none';
  const layer = rows * net.width * F32;
  const groups = net.norm === 'batch' ? net.width : rows;
  const many = (count: number, bytes: number) => Array.from({ length: count }, () => bytes);
  // Without keep a plain layer reads Z_{l−1} from one buffer and writes Z_l to the other.
  const pres = keep ? net.depth : residual ? 1 : 2;
  // A residual network normalizes x_{L+1} too: the top a readout reads.
  const norms = !normed ? 0 : keep ? net.depth + (residual ? 1 : 0) : 1;
  const widest = Math.max(net.inputWidth, net.width);
  // One partial per tile of a product ([rows × width], or ∂L/∂W's [fanIn × width]) or per normalized group.
  const partials = Math.max(tilesAlong(Math.max(rows, widest)) * tilesAlong(net.width), groups);
  return {
    input: rows * net.inputWidth * F32,
    pre: many(pres, layer),
    normalized: many(norms, layer),
    factors: many(norms, groups * F32),
    streams: many(residual ? (keep ? net.depth + 1 : 1) : 0, layer),
    branch: many(residual ? 1 : 0, layer),
    // Backward: a plain network's δ and the product before N's backward; a residual one's ∂L/∂x and δ.
    gradients: many(keep ? 2 : 0, layer),
    partials: partials * PARTIAL_BYTES,
    noSum: MIN_BYTES,
  };
}

const sized = (bytes: number) => Math.max(MIN_BYTES, bytes);

export class PassBuffers {
  /** [rows × n_0]: the caller writes X here (COPY_DST | STORAGE). */
  readonly input: GPUBuffer;
  /** Z_l (a block's Z_l): per layer with keep, else rotating. */
  readonly pre: GPUBuffer[];
  /** N(Z_l), or N(x_l) with N(x_{L+1}) last, and each one's factors r per group. */
  readonly normalized: GPUBuffer[];
  readonly factors: GPUBuffer[];
  /** x_l, l = 1 … L + 1 with keep, else the one stream updated in place. */
  readonly streams: GPUBuffer[];
  /** y_l of the block in flight; backward, α·∂L/∂x_{l+1} and then the product before N's backward. */
  readonly branch: GPUBuffer | null;
  readonly gradients: GPUBuffer[];
  readonly partials: GPUBuffer;
  /** Bound as ∂L/∂W's sum when no gradient is kept (never written). */
  readonly noSum: GPUBuffer;
  private readonly all: GPUBuffer[] = [];

  private constructor(
    readonly device: GPUDevice,
    readonly net: PassNetwork,
    readonly rows: number,
    readonly keep: boolean,
  ) {
    const make = (label: string, bytes: number) => {
      const buffer = device.createBuffer({
        label: `pass ${label}`,
        size: sized(bytes),
        // Read lazily: the memory plan imports this module where WebGPU's globals do not exist.
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      this.all.push(buffer);
      return buffer;
    };
    const p = plan(net, rows, keep);
    const list = (label: string, sizes: number[]) => sizes.map((bytes, i) => make(`${label} ${i}`, bytes));
    this.input = make('input', p.input);
    this.pre = list('Z', p.pre);
    this.normalized = list('N', p.normalized);
    this.factors = list('factors', p.factors);
    this.streams = list('x', p.streams);
    this.branch = p.branch.length ? make('branch', p.branch[0]) : null;
    this.gradients = list('gradient', p.gradients);
    this.partials = make('partials', p.partials);
    this.noSum = make('no sum', p.noSum);
  }

  /** Bytes PassBuffers.allocate takes for `rows` rows; keep = a backward pass follows (every Z, N and x kept). */
  static bytes(net: PassNetwork, rows: number, keep: boolean): number {
    return Object.values(plan(net, rows, keep))
      .flat()
      .reduce((sum, bytes) => sum + sized(bytes), 0);
  }

  /** Allocates (call inside the caller's out-of-memory error scope). */
  static allocate(device: GPUDevice, net: PassNetwork, rows: number, keep: boolean): PassBuffers {
    return new PassBuffers(device, net, rows, keep);
  }

  /** Z_l's buffer (1-based). */
  preOf(l: number): GPUBuffer {
    const plainRotation = this.net.kind === 'plain' ? (l - 1) % 2 : 0;
    return this.pre[this.keep ? l - 1 : plainRotation];
  }

  /** N(Z_l) or N(x_l) (l = L + 1: the top of a residual network) and its factors. */
  normalizedOf(l: number): { values: GPUBuffer; factors: GPUBuffer } {
    const i = this.keep ? l - 1 : 0;
    return { values: this.normalized[i], factors: this.factors[i] };
  }

  /** x_l, l = 1 … L + 1. */
  streamOf(l: number): GPUBuffer {
    return this.streams[this.keep ? l - 1 : 0];
  }

  destroy(): void {
    for (const buffer of this.all) buffer.destroy();
  }
}
