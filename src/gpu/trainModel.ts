/**
 * The network the GPU trainer trains, as its kernels read it: the widths, every trained matrix, φ, the task, and each
 * matrix's optimizer with the parametrization folded in (the GPU holds W_eff = c·W in place of W and its output
 * multiplier c).
 */
import { bindActivation } from '../lab/activations';
import { isResidual, type WeightMatrix } from '../lab/architecture';
import type { ExperimentConfig } from '../lab/config';
import type { Dataset } from '../lab/datasets';
import type { LayerFactors } from '../lab/parametrization';
import type { OptimizerSpec } from '../lab/trainConfig';
import { trainFactors } from '../lab/training';
import { trainMatrices } from '../lab/trainWork';
import type { PassNetwork } from './networkPass';
import { networkOf } from './networkPass';

/**
 * The network a session trains: the widths of the history's layers n_0 … n_{L+1} (the readout last), its matrices
 * (architecture.ts's trainedMatrices: a plain network's are its layers), its hidden layers' φ, and each matrix's
 * optimizer for W and for b — the config's, with the parametrization's factors and output multiplier folded in.
 */
export interface TrainNetwork {
  widths: number[];
  matrices: WeightMatrix[];
  /** A residual network's blocks, whose stream and branch the history reports; 0 for a plain network. */
  blocks: number;
  /**
   * The body below the readout as the network pass computes it (networkPass.ts); null for the plain MLP, which the
   * trainer's own layers compute (trainPass.ts), as they always have.
   */
  body: PassNetwork | null;
  activationId: number;
  slope: number;
  classification: boolean;
  optimizers: { weights: OptimizerSpec; biases: OptimizerSpec }[];
  /** The adapter is a CPU emulation: fewer workgroups for the kernels that reduce (geometry.ts). */
  emulated: boolean;
}

/**
 * The network a config trains: the dataset's inputs, depth hidden layers of width, one readout unit per output, and
 * each matrix's parametrization factors (parametrization.ts).
 */
export function trainNetwork(
  config: ExperimentConfig,
  data: Dataset,
  emulated: boolean,
): { net: TrainNetwork; factors: LayerFactors[] } {
  const activation = bindActivation(config.activation, config);
  const widths = [data.dim, ...new Array(config.depth).fill(config.width), data.outputs];
  const { optimizer } = config.train;
  const { architecture } = config;
  const matrices = trainMatrices(config);
  const factors = trainFactors(config, matrices);
  const net: TrainNetwork = {
    widths,
    matrices,
    blocks: isResidual(architecture) ? config.depth : 0,
    body: networkOf(config, activation, data.dim),
    activationId: activation.id,
    slope: config.slope,
    classification: data.classes > 0,
    emulated,
    optimizers: factors.map((f) => ({
      weights: foldedOptimizer(optimizer, f.weightLr, f.multiplier),
      biases: { ...optimizer, lr: optimizer.lr * f.biasLr },
    })),
  };
  return { net, factors };
}

/**
 * The optimizer of W_eff = c·W, which the GPU holds in place of a layer's W and its output multiplier c: the same
 * training in exact arithmetic (Tensor Programs V's equivalence of its tables). ∂L/∂W = c·∂L/∂W_eff, so SGD's step on
 * W_eff is c²·lr times its gradient; Adam's step does not scale with the gradient, so it is c·lr with ε/c.
 */
export function foldedOptimizer(o: OptimizerSpec, lrFactor: number, c: number): OptimizerSpec {
  return o.kind === 'sgd' ? { ...o, lr: o.lr * lrFactor * c * c } : { ...o, lr: o.lr * lrFactor * c, eps: o.eps / c };
}
