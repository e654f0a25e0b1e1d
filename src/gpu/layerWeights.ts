/**
 * A block of W_l of one series and trial into the weights buffer: drawn on the GPU from the Philox stream, or, for
 * matrix-level shapes (orthogonal), computed on the CPU and its block uploaded. The forward pass, the recomputation
 * from a checkpoint and the backward pass (which regenerates W_l rather than keeping every layer's weights) all call
 * it, so they see the same bits.
 */
import type { WeightDistribution } from '../lab/initializers';
import type { RangeFlag } from '../lab/results';
import { sampleWeights, type TensorAddress } from '../lab/sampling';
import { fanInOf, type TrialNetwork } from './job';
import { heldInF32, ldexp, splitScale } from './scale';
import { isElementShape } from './shapes';
import type { WeightBlock, WeightsKernel } from './weightsKernel';

/** The last matrix-level weight matrix computed: every block of a layer reads it, and its QR is O(n³). */
let lastMatrix: { key: string; weights: Float64Array } | null = null;

function wholeMatrix(dist: WeightDistribution, address: TensorAddress, fanIn: number, fanOut: number): Float64Array {
  const key = JSON.stringify([dist, address, fanIn, fanOut]);
  if (lastMatrix?.key !== key) lastMatrix = { key, weights: sampleWeights(dist, address, fanIn, fanOut) };
  return lastMatrix.weights;
}

/** The exponent W_l's scale carries outside float32 on the exact route (0 elsewhere), and its range flags. */
export function weightScale(
  net: TrialNetwork,
  layer: number,
): { mantissa: number; exponent: number; flags: RangeFlag[] } {
  const dist = net.weights[layer - 1];
  const { mantissa, exponent } = net.exact ? splitScale(dist.scale) : { mantissa: dist.scale, exponent: 0 };
  const flags: RangeFlag[] = heldInF32(mantissa)
    ? []
    : [{ quantity: 'pre', kind: Math.abs(mantissa) < 1 ? 'underflow' : 'overflow', precision: 'float32' }];
  return { mantissa, exponent, flags };
}

/** Fills `target` with one block of layer `layer`'s weights, densely. */
export function loadWeightBlock(
  kernel: WeightsKernel,
  target: GPUBuffer,
  net: TrialNetwork,
  layer: number,
  block: WeightBlock,
): void {
  const dist = net.weights[layer - 1];
  const { mantissa, exponent } = weightScale(net, layer);
  const address = { seed: net.seed, series: net.series, trial: net.trial, layer };
  if (isElementShape(dist.shape)) {
    kernel.draw(target, { ...address, fanOut: net.width, block, shape: dist.shape, scale: mantissa });
    return;
  }
  const weights = wholeMatrix(dist, address, fanInOf(net, layer), net.width);
  const values = new Float32Array(block.rows * block.cols);
  for (let r = 0; r < block.rows; r++) {
    for (let c = 0; c < block.cols; c++) {
      values[r * block.cols + c] = ldexp(weights[(block.rowOffset + r) * net.width + block.colOffset + c], -exponent);
    }
  }
  kernel.upload(target, values);
}
