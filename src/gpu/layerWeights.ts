/**
 * W_l of one series and trial into the weights buffer: drawn on the GPU from the Philox stream, or, for matrix-level
 * shapes (orthogonal), computed on the CPU and uploaded. The forward pass and the backward pass (which regenerates
 * W_l rather than keeping every layer's weights) both call it, so they see the same bits.
 */
import { weightDistribution } from '../lab/initializers';
import type { RangeFlag } from '../lab/results';
import { sampleWeights } from '../lab/sampling';
import type { ChunkJob } from './chunkRunner';
import { heldInF32, ldexp, splitScale } from './scale';
import { isElementShape } from './shapes';
import type { WeightsKernel } from './weightsKernel';

/** Fills `target` with layer `layer`'s weights; returns the exponent carried outside float32 and any range flag. */
export function loadLayerWeights(
  kernel: WeightsKernel,
  target: GPUBuffer,
  job: ChunkJob,
  layer: number,
  fanIn: number,
): { exponent: number; flags: RangeFlag[] } {
  const { config } = job;
  const dist = weightDistribution(job.spec, fanIn, config.width);
  const { mantissa, exponent } = job.exact ? splitScale(dist.scale) : { mantissa: dist.scale, exponent: 0 };
  const flags: RangeFlag[] = heldInF32(mantissa)
    ? []
    : [{ quantity: 'pre', kind: Math.abs(mantissa) < 1 ? 'underflow' : 'overflow', precision: 'float32' }];
  const address = { seed: config.seed, series: job.series, trial: job.trial, layer };
  if (isElementShape(dist.shape)) {
    kernel.draw(target, { ...address, fanIn, fanOut: config.width, shape: dist.shape, scale: mantissa });
  } else {
    // Recomputed by every chunk and pass (forward, backward, recomputation from a checkpoint): O(n³) QR each time.
    const weights = sampleWeights(dist, address, fanIn, config.width);
    kernel.upload(
      target,
      Float32Array.from(weights, (w) => ldexp(w, -exponent)),
    );
  }
  return { exponent, flags };
}
