/**
 * The propagation of range problems for an engine that finds each quantity's own (the GPU's float32 flags): what is
 * computed from a flagged value is flagged, by the float64 engine's routes, so nothing downstream of a NaN reads as a
 * measurement.
 */
import { describe, expect, it } from 'vitest';
import { type CarryRoute, carryRangeFlags } from '../../src/lab/rangeCarry';
import type { Quantity, RangeFlag } from '../../src/lab/results';

const f32 = (quantity: Quantity, kind: RangeFlag['kind']): RangeFlag => ({ quantity, kind, precision: 'float32' });
const route = (over: Partial<CarryRoute> = {}): CarryRoute => ({
  residual: false,
  normalized: false,
  constantSlope: false,
  backward: true,
  precision: 'float32',
  ...over,
});
/** Per layer, "quantity:kind" of every flag, sorted. */
const names = (layers: RangeFlag[][]) =>
  layers.map((flags) => flags.map((f) => `${f.quantity}:${f.kind}${f.precision === 'float64' ? '64' : ''}`).sort());

describe('carrying range problems to what is computed from them', () => {
  it('plain forward: a NaN at layer 2 flags every later Z and H; backward: every δ above reads it through φ′, every ∂L/∂W after layer 2 too', () => {
    const layers = [[], [f32('post', 'nonfinite')], [], []];
    expect(names(carryRangeFlags(layers, route()))).toEqual([
      ['grad:nonfinite', 'weightGrad:nonfinite'],
      ['grad:nonfinite', 'post:nonfinite', 'weightGrad:nonfinite'],
      ['grad:nonfinite', 'post:nonfinite', 'pre:nonfinite', 'weightGrad:nonfinite'],
      ['grad:nonfinite', 'post:nonfinite', 'pre:nonfinite', 'weightGrad:nonfinite'],
    ]);
  });

  it('a linear network (constant φ′): gradients below the flagged layer do not read it; ∂L/∂W above it reads H', () => {
    const layers = [[], [f32('post', 'overflow')], [], []];
    expect(names(carryRangeFlags(layers, route({ constantSlope: true })))).toEqual([
      [],
      ['post:overflow'],
      ['post:overflow', 'pre:overflow', 'weightGrad:overflow'],
      ['post:overflow', 'pre:overflow', 'weightGrad:overflow'],
    ]);
  });

  it('an underflow reaches ∂L/∂W through H but not δ through φ′; with normalization it reaches δ too', () => {
    const layers = [[f32('post', 'underflow')], []];
    expect(names(carryRangeFlags(layers, route()))).toEqual([
      ['post:underflow'],
      ['post:underflow', 'pre:underflow', 'weightGrad:underflow'],
    ]);
    expect(names(carryRangeFlags(layers, route({ normalized: true })))).toEqual([
      ['grad:underflow', 'post:underflow', 'weightGrad:underflow'],
      ['grad:underflow', 'post:underflow', 'pre:underflow', 'weightGrad:underflow'],
    ]);
  });

  it('a statistic flag (float64 on the GPU) stays where it is; forward-only runs get no backward flags', () => {
    const stat: RangeFlag = { quantity: 'pre', kind: 'overflow', precision: 'float64' };
    expect(names(carryRangeFlags([[stat], []], route()))).toEqual([['pre:overflow64'], []]);
    expect(names(carryRangeFlags([[f32('pre', 'nonfinite')], []], route({ backward: false })))).toEqual([
      ['post:nonfinite', 'pre:nonfinite'],
      ['post:nonfinite', 'pre:nonfinite'],
    ]);
  });

  it('residual: a branch that overflows flags the stream from its block on and every block above; going back, every gradient below reads it through φ′', () => {
    const layers = [[], [f32('branch', 'overflow')], []];
    const back = ['branchWeightGrad:overflow', 'grad:overflow', 'streamGrad:overflow', 'weightGrad:overflow'];
    expect(names(carryRangeFlags(layers, route({ residual: true })))).toEqual([
      back,
      ['branch:overflow', ...back, 'stream:overflow'].sort(),
      ['branch:overflow', 'branchWeightGrad:overflow', 'grad:overflow', 'post:overflow', 'pre:overflow'].concat([
        'stream:overflow',
        'weightGrad:overflow',
      ]),
    ]);
  });

  it('residual and linear: the stream’s gradient reads no forward value, so only the weight gradients above the flag carry it', () => {
    const layers = [[], [f32('branch', 'overflow')], []];
    expect(names(carryRangeFlags(layers, route({ residual: true, constantSlope: true })))).toEqual([
      [],
      ['branch:overflow', 'stream:overflow'],
      ['branch:overflow', 'branchWeightGrad:overflow', 'post:overflow', 'pre:overflow', 'stream:overflow'].concat([
        'weightGrad:overflow',
      ]),
    ]);
  });
});
