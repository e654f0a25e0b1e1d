/**
 * The GPU forward and backward pass of every architecture (src/lab/architecture.ts gives the model; the float64
 * reference is src/cpu/networkForward.ts and networkBackward.ts), a layer or block at a time, composed of the layer,
 * normalize, residual-stream, backward-layer, weight-gradient, normalize-backward and scale-add kernels:
 *   plain:    Z_l = φ(v_{l−1})·W_l + b (v = N(Z) or Z, φ on load; X for l = 1), pre from the layer kernel, post
 *             φ(N(Z_l)) from the normalize kernel's partials; backward δ_l = J_Nᵀ(∂L/∂H_l ⊙ φ'(N(Z_l))).
 *   residual: x_1 = X·W_in + b, u_l = φ(N(x_l)), Z_l = u_l·W_{l,1} + b, y_l = φ(Z_l)·W_{l,2} + b, x_{l+1} = x_l + α·y_l;
 *             backward as networkBackward.ts, s = ∂L/∂x_{l+1} updated in place to ∂L/∂x_l.
 * Statistics merge into the layout of passStateSlots; intermediate products' flags go to the scratch slot.
 */
import type { BoundActivation } from '../lab/activations';
import { branchScale, isPlainMlp } from '../lab/architecture';
import type { ExperimentConfig } from '../lab/config';
import { type PassBuffers, type PassNetwork, scratchSlot } from './passBuffers';
import type { PassKernels } from './passKernels';
import { type MatrixSource, type PassGradients, PassSteps } from './passSteps';

export { PassBuffers, type PassNetwork, passStateSlots } from './passBuffers';
export type { PassKernels } from './passKernels';
export type { MatrixSource, PassGradients } from './passSteps';

/**
 * The network pass's reading of a config whose input has `inputWidth` units (an experiment's input, or a dataset's):
 * null for the plain MLP, which the layer-by-layer engine and trainer run.
 */
export function networkOf(
  config: ExperimentConfig,
  activation: BoundActivation,
  inputWidth: number,
): PassNetwork | null {
  const { architecture } = config;
  if (isPlainMlp(architecture)) return null;
  return {
    kind: architecture.kind,
    norm: architecture.norm,
    eps: architecture.eps,
    alpha: branchScale(architecture, config.depth),
    inputWidth,
    width: config.width,
    depth: config.depth,
    activationId: activation.id,
    slope: config.slope,
  };
}

export class NetworkPass {
  private readonly scratch: number;
  private readonly normed: boolean;
  /** A plain network's δ_l: which of the two gradient buffers holds it. */
  private current = 0;

  constructor(
    private readonly kernels: PassKernels,
    private readonly buffers: PassBuffers,
    private readonly net: PassNetwork,
  ) {
    this.scratch = scratchSlot(net);
    this.normed = net.norm !== 'none';
  }

  private steps(rows: number, state: GPUBuffer): PassSteps {
    return new PassSteps(this.kernels, this.buffers, this.net, rows, state);
  }

  /** What layer l's product reads (plain, l > 1): N(Z_{l−1}) or Z_{l−1}, or X. */
  private plainInput(l: number) {
    const { buffers, net } = this;
    if (l === 1) return { values: buffers.input, fanIn: net.inputWidth, activate: false };
    const values = this.normed ? buffers.normalizedOf(l - 1).values : buffers.preOf(l - 1);
    return { values, fanIn: net.width, activate: true };
  }

  /** What block l's first product reads: N(x_l) or x_l, φ applied on load (u_l). */
  private branchInput(l: number) {
    const values = this.normed ? this.buffers.normalizedOf(l).values : this.buffers.streamOf(l);
    return { values, fanIn: this.net.width, activate: true };
  }

  /** Layer/block l (1-based) forward over `rows` rows; statistics merged into `state`. Only queues work. */
  forwardLayer(source: MatrixSource, rows: number, state: GPUBuffer, l: number): void {
    const steps = this.steps(rows, state);
    if (this.net.kind === 'plain') this.plainForward(steps, source, l);
    else this.residualForward(steps, source, l);
  }

  private plainForward(steps: PassSteps, source: MatrixSource, l: number): void {
    const z = this.buffers.preOf(l);
    if (!this.normed) {
      steps.merge(steps.product(source, l, this.plainInput(l), z, l - 1), l - 1, 'both');
      return;
    }
    // The layer kernel's φ(Z) is no quantity here: its flags go to scratch, Z's come from the normalize kernel.
    steps.merge(steps.product(source, l, this.plainInput(l), z, this.scratch), l - 1, 'a', 'pre');
    steps.merge(steps.normalize(z, l, l - 1), l - 1, 'b', 'post');
  }

  private residualForward(steps: PassSteps, source: MatrixSource, l: number): void {
    const { buffers, net, scratch } = this;
    const branch = buffers.branch!;
    if (l === 1) {
      const input = { values: buffers.input, fanIn: net.inputWidth, activate: false };
      steps.product(source, 1, input, buffers.streamOf(1), scratch);
    }
    const x = buffers.streamOf(l);
    if (this.normed) steps.normalize(x, l, scratch);
    const z = buffers.preOf(l);
    steps.merge(steps.product(source, 2 * l, this.branchInput(l), z, l - 1), l - 1, 'both');
    steps.product(source, 2 * l + 1, { values: z, fanIn: net.width, activate: true }, branch, scratch);
    const next = buffers.streamOf(l + 1);
    if (next !== x) steps.copy(x, next);
    const streamBuffers = { branchOut: branch, stream: next, partials: buffers.partials, layerState: steps.state };
    const slot = net.depth + l - 1;
    steps.merge(
      this.kernels.residualStream.update(streamBuffers, steps.rows, net.width, net.alpha, slot),
      slot,
      'both',
    );
    if (l === net.depth && this.normed) steps.normalize(next, l + 1, scratch);
  }

  /** Z_l of layer/block l, valid right after forwardLayer(l) (kept till the end when keep). */
  pre(l: number): GPUBuffer {
    return this.buffers.preOf(l);
  }

  /** What φ makes layer/block l's H_l of, valid when pre(l) is: N(Z_l) for a plain normalized network, else Z_l. */
  activated(l: number): GPUBuffer {
    return this.net.kind === 'plain' && this.normed ? this.buffers.normalizedOf(l).values : this.pre(l);
  }

  /**
   * ∂L/∂Z of the layer whose grad the last backward step merged: layer L after beginBackward and layer l − 1 after
   * backwardLayer(l) (plain), block l after backwardLayer(l) (residual).
   */
  delta(): GPUBuffer {
    return this.buffers.gradients[this.net.kind === 'plain' ? this.current : 1];
  }

  /** After the whole forward: v_top, the network's output being φ(v_top): N(Z_L) or Z_L, N(x_{L+1}) or x_{L+1}. */
  top(): GPUBuffer {
    const { depth } = this.net;
    if (this.net.kind === 'plain') return this.normed ? this.buffers.normalizedOf(depth).values : this.pre(depth);
    return this.normed ? this.buffers.normalizedOf(depth + 1).values : this.stream();
  }

  /** After the whole forward, residual: x_{L+1}. */
  stream(): GPUBuffer {
    if (this.net.kind === 'plain') throw new Error('a plain network has no residual stream');
    return this.buffers.streamOf(this.net.depth + 1);
  }

  /**
   * Starts the backward from a gradient the caller wrote ([rows × width]): at 'top' ∂L/∂v_top, at 'stream' (residual)
   * ∂L/∂x_{L+1}. Merges grad of layer L (plain) or streamGrad of block L (residual).
   */
  beginBackward(gradient: GPUBuffer, at: 'top' | 'stream', rows: number, state: GPUBuffer): void {
    const { buffers, net } = this;
    if (!buffers.keep) throw new Error('a backward pass needs buffers allocated with keep');
    if (at === 'stream' && net.kind === 'plain') throw new Error('a plain network has no residual stream');
    const steps = this.steps(rows, state);
    const residual = net.kind === 'residual';
    // The gradient lands in a buffer of the pass: δ_L (plain) or s = ∂L/∂x_{L+1} (residual).
    this.current = 0;
    const slot = residual ? 2 * net.depth - 1 : net.depth - 1;
    const normed = this.normed && at === 'top';
    const count = normed
      ? steps.normalizeBackward(gradient, residual ? net.depth + 1 : net.depth, buffers.gradients[0], false, slot)
      : steps.scaleAdd(gradient, buffers.gradients[0], 1, false, slot);
    steps.merge(count, slot, 'a');
  }

  /**
   * Layer/block l backward, l = depth … 1: plain, weightGrad of layer l and grad of layer l − 1 (grad of layer L comes
   * from beginBackward); residual, grad, weightGrad and branchWeightGrad of block l and streamGrad of block l − 1.
   * With `grads`, ∂L/∂W and ∂L/∂b of its matrices (block 1 also W_in's). Only queues work.
   */
  backwardLayer(source: MatrixSource, rows: number, state: GPUBuffer, l: number, grads?: PassGradients): void {
    const steps = this.steps(rows, state);
    if (this.net.kind === 'plain') this.plainBackward(steps, source, l, grads);
    else this.residualBackward(steps, source, l, grads);
  }

  private plainBackward(steps: PassSteps, source: MatrixSource, l: number, grads?: PassGradients): void {
    const { buffers, net, scratch } = this;
    const delta = buffers.gradients[this.current];
    const other = buffers.gradients[1 - this.current];
    const input = this.plainInput(l);
    steps.merge(steps.weightGradient(input, delta, l - 1, grads?.weights[l - 1]), l - 1, 'b');
    if (grads) steps.biasGradient(delta, grads.biases[l - 1]);
    if (l === 1) return;
    // ∂L/∂H_{l−1} ⊙ φ'(v_{l−1}): δ_{l−1} itself without N, else what N's backward takes.
    const layer = this.normed ? scratch + 1 : l - 1;
    const count = steps.transposed(source, l, delta, input.values, other, net.width, layer);
    if (!this.normed) {
      steps.merge(count, l - 2, 'a');
      this.current = 1 - this.current;
      return;
    }
    steps.merge(steps.normalizeBackward(other, l - 1, delta, false, l - 2), l - 2, 'a');
  }

  private residualBackward(steps: PassSteps, source: MatrixSource, l: number, grads?: PassGradients): void {
    const { buffers, net, scratch } = this;
    const [s, delta] = buffers.gradients;
    const branch = buffers.branch!;
    const z = buffers.preOf(l);
    const out = net.depth + l - 1;
    // α·s, then ∂L/∂W_{l,2} = H_lᵀ·(α·s) (H_l = φ(Z_l) on load) and δ_l = (α·s·W_{l,2}ᵀ) ⊙ φ'(Z_l).
    steps.scaleAdd(s, branch, net.alpha, false, scratch);
    const hidden = { values: z, fanIn: net.width, activate: true };
    steps.merge(steps.weightGradient(hidden, branch, out, grads?.weights[2 * l]), out, 'b');
    if (grads) steps.biasGradient(branch, grads.biases[2 * l]);
    steps.merge(steps.transposed(source, 2 * l + 1, branch, z, delta, net.width, l), l - 1, 'a');
    // ∂L/∂W_{l,1} = u_lᵀ·δ_l.
    const u = this.branchInput(l);
    steps.merge(steps.weightGradient(u, delta, l - 1, grads?.weights[2 * l - 1]), l - 1, 'b');
    if (grads) steps.biasGradient(delta, grads.biases[2 * l - 1]);
    // ∂L/∂x_l = s + J_Nᵀ((δ_l·W_{l,1}ᵀ) ⊙ φ'(N(x_l))), in place; block 1's only feeds W_in's gradient.
    if (l === 1 && !grads) return;
    steps.transposed(source, 2 * l, delta, u.values, branch, net.width, scratch + 1);
    const slot = l > 1 ? net.depth + l - 2 : scratch;
    const count = this.normed
      ? steps.normalizeBackward(branch, l, s, true, slot)
      : steps.scaleAdd(branch, s, 1, true, slot);
    if (l > 1) steps.merge(count, slot, 'a');
    else if (grads) {
      const input = { values: buffers.input, fanIn: net.inputWidth, activate: false };
      steps.weightGradient(input, s, scratch, grads.weights[0]);
      steps.biasGradient(s, grads.biases[0]);
    }
  }
}
