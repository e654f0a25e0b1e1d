/**
 * The float64 reference's Jacobian J = ∂H_L/∂X at one input row (src/lab/jacobian.ts): n_0 tangent rows, the identity
 * at first, go through each layer's weights, T_l = (T_{l−1}·W_l)·D_l, D_l = diag(φ′) at that row's Z_l; J = T_L.
 */
import type { BoundActivation } from '../lab/activations';
import { singularValues } from '../lab/svd';
import { affineRows } from './layers';

export class TangentRows {
  private tangent: Float64Array;
  private width: number;

  constructor(private readonly inputWidth: number) {
    this.tangent = new Float64Array(inputWidth * inputWidth);
    for (let i = 0; i < inputWidth; i++) this.tangent[i * inputWidth + i] = 1;
    this.width = inputWidth;
  }

  /** Through layer weights W [fanIn × fanOut] and the input row's pre-activations there, `reference` [fanOut]. */
  step(w: Float64Array, fanOut: number, reference: ArrayLike<number>, activation: BoundActivation): void {
    const next = new Float64Array(this.inputWidth * fanOut);
    affineRows(this.tangent, w, next, 0, this.inputWidth, this.width, fanOut);
    const slopes = Array.from({ length: fanOut }, (_, j) => activation.df(reference[j]));
    for (let r = 0; r < this.inputWidth; r++) for (let j = 0; j < fanOut; j++) next[r * fanOut + j] *= slopes[j];
    this.tangent = next;
    this.width = fanOut;
  }

  /** J's singular values, from the largest. */
  singularValues(): Float64Array {
    return singularValues(this.tangent, this.inputWidth, this.width);
  }
}
