/**
 * Theory for a residual network (src/lab/architecture.ts gives the model), in the mean field: as n → ∞ each block's
 * branch is uncorrelated with the stream it is added to, so variances add. With x_l ~ N(m_l, q_l) per unit,
 *   u_l = φ(N(x_l)),  Z_l ~ N(b, v₁·n·E[u_l²]),  H_l = φ(Z_l),  y_l ~ N(b, v₂·n·E[H_l²]),
 *   m_{l+1} = m_l + α·b,  q_{l+1} = q_l + α²·v₂·n·E[H_l²],
 * from x_1 ~ N(b, v_in·‖X‖²). With He branches (v = 2/n), ReLU, zero bias and no normalization, E[u²] = E[x²]/2 and
 * so E[x_{l+1}²] = (1 + α²)·E[x_l²]: α = 1 doubles the stream every block, α = 1/√L ends at (1 + 1/L)^L·E[x_1²] ≈ e·E[x_1²],
 * and with zeroInitLast (v₂ = 0) the stream stays E[x_1²]. Normalization hands φ the law normalizedLaw gives (BatchNorm:
 * a unit's variance over the batch, which the branches' common means over the rows do not reach; rows uncorrelated).
 *
 * Backward from g ~ N(0, 1) at x_{L+1}, with S_l = E[(∂L/∂x_{l+1})²] (S_L = 1) and the gradient-independence
 * assumption:
 *   E[(∂L/∂W_{l,2})²] = rows·E[H_l²]·α²·S_l,   E[δ_l²] = α²·S_l·n·v₂·E[φ'(Z_l)²],   E[(∂L/∂W_{l,1})²] = rows·E[u_l²]·E[δ_l²],
 *   S_{l−1} = S_l + n·v₁·E[δ_l²]·E[φ'(N(x_l))²]·(N's factor 1/(s + ε)),
 * so with He ReLU branches and no normalization the gradient grows (1 + α²)-fold a block going back, as the stream does
 * going forward. None of it is exact at finite width: a unit's own share of the branch correlates it with the stream.
 */

import { activationMoments } from './activationMoments';
import type { BoundActivation } from './activations';
import { branchScale } from './architecture';
import { biasMean } from './bias';
import { batchRows, type ExperimentConfig, inputWidth } from './config';
import { distributionVariance, type InitSpec, initLabel, weightDistribution } from './initializers';
import {
  centered,
  inputNormSq,
  moments,
  normalizedLaw,
  type TheoryLayer,
  type TheorySeries,
  unavailableTheory,
} from './theoryBasics';

interface BlockForward {
  layer: TheoryLayer;
  /** E[u_l²], E[H_l²], E[φ'(Z_l)²] and E[φ'(N(x_l))²]·(N's backward factor). */
  inputMeanSq: number;
  postMeanSq: number;
  preSlope: number;
  streamSlope: number;
}

export function residualTheory(config: ExperimentConfig, spec: InitSpec, phi: BoundActivation): TheorySeries {
  const label = initLabel(spec);
  // A residual network takes a constant bias (config.ts refuses a random one).
  const [n, b, depth] = [config.width, biasMean(config.bias), config.depth];
  const alpha = branchScale(config.architecture, depth);
  const dists = [weightDistribution(spec, inputWidth(config), n), weightDistribution(spec, n, n)];
  const unavailable = unavailableTheory(dists);
  if (unavailable) return { label, init: spec, layers: [], exactSecondMoment: false, unavailable };
  const [vIn, v1] = dists.map(distributionVariance);
  const v2 = config.architecture.zeroInitLast ? 0 : v1;
  let [mean, variance] = [b, vIn * inputNormSq(config)];
  // A unit's variance over the batch: the branches' means over the rows are common to every row (BatchNorm's law).
  let batchVariance = variance;
  const blocks: BlockForward[] = [];
  for (let l = 1; l <= depth; l++) {
    const normalized = normalizedLaw(config, mean, variance, batchVariance);
    const u = activationMoments(phi, normalized.mean, normalized.variance);
    const preVariance = v1 * n * u.meanSq;
    const h = activationMoments(phi, b, preVariance);
    const branchVariance = alpha * alpha * v2 * n * h.meanSq;
    mean += alpha * b;
    variance += branchVariance;
    batchVariance += alpha * alpha * v2 * n * (h.meanSq - h.mean ** 2);
    blocks.push({
      layer: {
        layer: l,
        pre: { mean: b, var: preVariance, meanSq: preVariance + b * b },
        post: moments(h.mean, h.meanSq),
        branch: { mean: alpha * b, var: branchVariance, meanSq: branchVariance + (alpha * b) ** 2 },
        stream: { mean, var: variance, meanSq: variance + mean * mean },
        grad: centered(0),
        weightGrad: centered(0),
      },
      inputMeanSq: u.meanSq,
      postMeanSq: h.meanSq,
      preSlope: h.derivativeMeanSq,
      streamSlope: u.derivativeMeanSq * normalized.backward,
    });
  }
  const rows = batchRows(config);
  let stream = 1;
  for (let l = depth - 1; l >= 0; l--) {
    const block = blocks[l];
    const delta = alpha * alpha * stream * n * v2 * block.preSlope;
    Object.assign(block.layer, {
      streamGrad: centered(stream),
      branchWeightGrad: centered(rows * block.postMeanSq * alpha * alpha * stream),
      grad: centered(delta),
      weightGrad: centered(rows * block.inputMeanSq * delta),
    });
    stream += n * v1 * delta * block.streamSlope;
  }
  return { label, init: spec, layers: blocks.map((block) => block.layer), exactSecondMoment: false };
}
