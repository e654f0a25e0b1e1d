/**
 * W_l of one series and trial into the weights buffer: drawn on the GPU from the Philox stream, or, for matrix-level
 * shapes (orthogonal), computed on the CPU and uploaded. The forward pass and the backward pass (which regenerates
 * W_l rather than keeping every layer's weights) both call it, so they see the same bits.
 */
import type { RangeFlag } from '../lab/results';
import { sampleWeights } from '../lab/sampling';
import { fanInOf, type TrialNetwork } from './job';
import { heldInF32, ldexp, splitScale } from './scale';
import { isElementShape } from './shapes';
import type { WeightsKernel } from './weightsKernel';

/** Fills `target` with layer `layer`'s weights; returns the exponent carried outside float32 and any range flag. */
export function loadLayerWeights(
  kernel: WeightsKernel,
  target: GPUBuffer,
  net: TrialNetwork,
  layer: number,
): { exponent: number; flags: RangeFlag[] } {
  const dist = net.weights[layer - 1];
  const fanIn = fanInOf(net, layer);
  const { mantissa, exponent } = net.exact ? splitScale(dist.scale) : { mantissa: dist.scale, exponent: 0 };
  const flags: RangeFlag[] = heldInF32(mantissa)
    ? []
    : [{ quantity: 'pre', kind: Math.abs(mantissa) < 1 ? 'underflow' : 'overflow', precision: 'float32' }];
  const address = { seed: net.seed, series: net.series, trial: net.trial, layer };
  if (isElementShape(dist.shape)) {
    kernel.draw(target, { ...address, fanIn, fanOut: net.width, shape: dist.shape, scale: mantissa });
  } else {
    // Recomputed by every chunk and pass (forward, backward, recomputation from a checkpoint): O(n³) QR each time.
    const weights = sampleWeights(dist, address, fanIn, net.width);
    kernel.upload(
      target,
      Float32Array.from(weights, (w) => ldexp(w, -exponent)),
    );
  }
  return { exponent, flags };
}
