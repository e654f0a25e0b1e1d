/**
 * The optimizers, in PyTorch's torch.optim conventions (so that an exported run replays there), applied in place to
 * every weight and bias alike:
 * - SGD with momentum μ, no dampening: buffer = g at the first update, then buffer = μ·buffer + g;
 *   w −= lr·buffer, or with Nesterov w −= lr·(g + μ·buffer). μ = 0 is plain SGD (buffer = g).
 * - Adam: m = β₁·m + (1 − β₁)·g, v = β₂·v + (1 − β₂)·g², and at update t
 *   w −= (lr/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + ε), which is lr·m̂/(√v̂ + ε) grouped as torch.optim.Adam computes it.
 * Each tensor's lr is the config's times the parametrization's factor for it (`lrFactors`: every W_l, then every b_l).
 * An update also measures what the history reports of it: ‖ΔW_l‖/‖W_l‖ per layer, and whether every new value is finite.
 */
import type { OptimizerSpec } from '../lab/trainConfig';
import type { Gradients } from './trainBackward';
import type { Network } from './trainNetwork';

/** The new value of element e of a tensor, given its gradient; `slot` names the tensor's optimizer state. */
type ElementRule = (slot: number, e: number, value: number, g: number) => number;

export interface UpdateReport {
  /** ‖W_l(t) − W_l(t − 1)‖ / ‖W_l(t − 1)‖ (Frobenius) per layer; null where W_l(t − 1) was all zeros. */
  updateRatios: (number | null)[];
  /** Every weight and bias is finite after the update. */
  finite: boolean;
}

export interface Optimizer {
  update(net: Network, gradients: Gradients): UpdateReport;
}

/** State tensors shaped like the parameters: weights first, then biases, one slot each. */
function stateLike(net: Network): Float64Array[] {
  return [...net.weights, ...net.biases].map((t) => new Float64Array(t.length));
}

function sgdRule(spec: Extract<OptimizerSpec, { kind: 'sgd' }>, net: Network, lrs: number[]): () => ElementRule {
  const buffers = stateLike(net);
  let first = true;
  return () => {
    const starting = first;
    first = false;
    return (slot, e, value, g) => {
      const buffer = buffers[slot];
      buffer[e] = starting ? g : spec.momentum * buffer[e] + g;
      return value - lrs[slot] * (spec.nesterov ? g + spec.momentum * buffer[e] : buffer[e]);
    };
  };
}

function adamRule(spec: Extract<OptimizerSpec, { kind: 'adam' }>, net: Network, lrs: number[]): () => ElementRule {
  const [m, v] = [stateLike(net), stateLike(net)];
  let t = 0;
  return () => {
    t++;
    const stepSizes = lrs.map((lr) => lr / (1 - spec.beta1 ** t));
    const correction2 = Math.sqrt(1 - spec.beta2 ** t);
    return (slot, e, value, g) => {
      m[slot][e] = spec.beta1 * m[slot][e] + (1 - spec.beta1) * g;
      v[slot][e] = spec.beta2 * v[slot][e] + (1 - spec.beta2) * g * g;
      return value - (stepSizes[slot] * m[slot][e]) / (Math.sqrt(v[slot][e]) / correction2 + spec.eps);
    };
  };
}

/** Applies `rule` to one tensor in place; returns Σ(new − old)², Σ old² and whether every new value is finite. */
function applyRule(
  rule: ElementRule,
  slot: number,
  tensor: Float64Array,
  gradient: Float64Array,
): { changeSq: number; oldSq: number; finite: boolean } {
  let changeSq = 0;
  let oldSq = 0;
  let finite = true;
  for (let e = 0; e < tensor.length; e++) {
    const old = tensor[e];
    const next = rule(slot, e, old, gradient[e]);
    tensor[e] = next;
    changeSq += (next - old) ** 2;
    oldSq += old * old;
    finite &&= Number.isFinite(next);
  }
  return { changeSq, oldSq, finite };
}

/** The optimizer of `spec`, with its state for `net`'s parameters; lrFactors: every W_l's, then every b_l's (1: lr). */
export function makeOptimizer(
  spec: OptimizerSpec,
  net: Network,
  lrFactors: number[] = [...net.weights, ...net.biases].map(() => 1),
): Optimizer {
  const lrs = lrFactors.map((f) => spec.lr * f);
  const nextRule = spec.kind === 'sgd' ? sgdRule(spec, net, lrs) : adamRule(spec, net, lrs);
  const layers = net.weights.length;
  return {
    update(target, gradients) {
      const rule = nextRule();
      let finite = true;
      const updateRatios = target.weights.map((w, l) => {
        const weights = applyRule(rule, l, w, gradients.weights[l]);
        finite &&= weights.finite;
        return weights.oldSq === 0 ? null : Math.sqrt(weights.changeSq) / Math.sqrt(weights.oldSq);
      });
      target.biases.forEach((b, l) => {
        finite &&= applyRule(rule, layers + l, b, gradients.biases[l]).finite;
      });
      return { updateRatios, finite };
    },
  };
}
