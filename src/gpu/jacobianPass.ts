/**
 * The GPU's Jacobian J = ∂H_L/∂X at the chunk's first row (src/lab/jacobian.ts): alongside the forward pass, each layer
 * pushes n_0 tangent rows through the same block of weights the layer step uses (tangentKernel.ts), with φ′ taken at
 * the row's pre-activations in the layer's input buffer; a merge chooses a power of two that keeps them near 1 (carried
 * exactly, as scale.ts carries Z's). At the end the tangent rows, their exponents and the row's Z_L come back, J is
 * assembled in float64, D_L applied, and its singular values found on the CPU (svd.ts).
 */
import type { BoundActivation } from '../lab/activations';
import { singularValues } from '../lab/svd';
import type { GpuContext } from './device';
import { tilesAlong } from './geometry';
import { fanInOf, type Pace, type TrialNetwork } from './job';
import { decodeState, STATE } from './layerState';
import type { MergeKernel } from './mergeKernel';
import { slabRows } from './plan';
import type { TangentBuffersSet } from './runBuffers';
import { ldexp } from './scale';
import type { TangentKernel } from './tangentKernel';

/** The input row's position in the chunk: the first row the run computes. */
const REFERENCE_ROW = 0;

export class JacobianPass {
  constructor(
    private readonly gpu: GpuContext,
    private readonly kernels: { tangent: TangentKernel; merge: MergeKernel },
    private readonly buffers: TangentBuffersSet,
    private readonly pace: Pace,
    private readonly net: TrialNetwork,
  ) {
    gpu.device.queue.writeBuffer(buffers.state, 0, new Uint32Array(net.depth * STATE.words));
  }

  /** Layer `layer`'s tangent rows over one block of columns, while the weights buffer holds that block of W_l. */
  block(layer: number, input: GPUBuffer, weights: GPUBuffer, colOffset: number, cols: number): void {
    const { net, buffers } = this;
    const rows = net.inputWidth;
    const fanIn = fanInOf(net, layer);
    const step = {
      rows,
      fanIn,
      fanOut: net.width,
      activationId: net.activationId,
      layer: layer - 1,
      referenceRow: REFERENCE_ROW,
      slope: net.slope,
    };
    const bound = {
      tangentIn: buffers.values[(layer - 1) % 2],
      reference: input,
      weights,
      tangentOut: buffers.values[layer % 2],
      partials: buffers.partials,
      tangentState: buffers.state,
    };
    const slab = slabRows(rows, fanIn, cols, this.pace.macsPerMs, this.pace.sliceMs);
    for (let offset = 0; offset < rows; offset += slab) {
      this.kernels.tangent.slab(bound, step, offset, Math.min(slab, rows - offset), colOffset, cols);
    }
  }

  /** After every block of layer `layer`: its tangent rows' statistics, and the power of two the next layer divides out. */
  merge(layer: number): void {
    const partialCount = tilesAlong(this.net.inputWidth) * tilesAlong(this.net.width);
    const target = { layer: layer - 1, slots: 'a' } as const;
    this.kernels.merge.merge(this.buffers.partials, this.buffers.state, { partialCount, target, exponent: 'choose' });
  }

  /**
   * J's singular values: the last layer's tangent rows at their true scale 2^K (K the weights' carried exponents and
   * the ones divided out), times φ′ of the row's Z_L from `output`.
   */
  async finish(output: GPUBuffer, weightExponents: number[], activation: BoundActivation): Promise<Float64Array> {
    const { net, buffers } = this;
    const { device } = this.gpu;
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(
      buffers.values[net.depth % 2],
      0,
      buffers.valuesReadback,
      0,
      buffers.valuesReadback.size,
    );
    encoder.copyBufferToBuffer(buffers.state, 0, buffers.stateReadback, 0, buffers.stateReadback.size);
    const rowBytes = net.width * 4;
    encoder.copyBufferToBuffer(output, REFERENCE_ROW * rowBytes, buffers.rowReadback, 0, rowBytes);
    device.queue.submit([encoder.finish()]);
    const read = async (buffer: GPUBuffer) => {
      await this.gpu.settle(buffer.mapAsync(GPUMapMode.READ));
      const copy = buffer.getMappedRange().slice(0);
      buffer.unmap();
      return copy;
    };
    const tangents = new Float32Array(await read(buffers.valuesReadback));
    const states = new Uint32Array(await read(buffers.stateReadback));
    const z = new Float32Array(await read(buffers.rowReadback));
    let exponent = weightExponents.reduce((sum, e) => sum + e, 0);
    for (let l = 0; l < net.depth - 1; l++) exponent += decodeState(states, l, ['pre', 'post']).exponent;
    const slopes = Array.from(z.subarray(0, net.width), (v) => activation.df(v));
    const j = new Float64Array(net.inputWidth * net.width);
    for (let r = 0; r < net.inputWidth; r++)
      for (let c = 0; c < net.width; c++) j[r * net.width + c] = tangents[r * net.width + c] * slopes[c];
    return singularValues(j, net.inputWidth, net.width).map((s) => ldexp(s, exponent));
  }
}
