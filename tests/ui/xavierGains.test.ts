import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/lab/config';
import { CLAIM_DRAWS, claimConfig, xavierSweep } from '../../src/ui/sectionConfigs';
import { gainRows } from '../../src/ui/xavierGains';

const section = claimConfig(defaultConfig(), xavierSweep(defaultConfig()), CLAIM_DRAWS);
const row = (activation: string) => gainRows(section).find((r) => r.activation === activation)!;

describe("Xavier's gains column, by theory on the Xavier section's network", () => {
  it('ReLU: gain 1 halves E[Z²] at every layer forward and the gradient at every layer back; gain √2 holds both', () => {
    const relu = row('relu');
    expect(relu.gain).toBe(Math.SQRT2);
    // Square hidden layers, Var[W] = gain²/n: the factor per layer is gain²/2, exact for ReLU at zero bias.
    for (const travel of [relu.forward[0], relu.backward[0]]) {
      expect(travel.ratio).toBeCloseTo(0.5 ** 7, 12);
      expect(travel.deepStep).toBeCloseTo(0.5, 12);
    }
    for (const travel of [relu.forward[1], relu.backward[1]]) expect(travel.ratio).toBeCloseTo(1, 12);
  });

  it("tanh: gain 1 is still decaying at layer 8, gain 5/3 has settled; sigmoid's gradients fall about 18-fold a layer", () => {
    const tanh = row('tanh');
    expect(tanh.forward[0].deepStep!).toBeLessThan(0.95);
    // Mean field: q ↦ (25/9)·E[tanh²(√q·z)] contracts to q* ≈ 1.178 within a few layers.
    expect(Math.abs(tanh.forward[1].deepStep! - 1)).toBeLessThan(0.01);
    // σ′(0) = ¼: n·Var[W]·E[σ′(Z)²] ≈ 0.0557 at the length map's fixed point q* ≈ 0.265 (numpy quadrature).
    expect(row('sigmoid').backward[0].deepStep!).toBeCloseTo(0.0557, 3);
  });

  it('lists every activation of the lab once, linear unchanged by any gain', () => {
    const rows = gainRows(section);
    expect(rows.map((r) => r.activation)).toEqual(['linear', 'relu', 'tanh', 'sigmoid', 'leaky-relu', 'gelu']);
    const linear = row('linear');
    expect([linear.gain, linear.forward[0].ratio, linear.backward[0].ratio]).toEqual(
      [1, 1, 1].map((v) => expect.closeTo(v, 12)),
    );
  });
});
