/**
 * The CPU engine's residual and normalized networks: the model computed as architecture.ts defines it, the residual
 * recursion E[x_{l+1}²] = (1 + α²)·E[x_l²] within sampling error at width 512, and normalization's indifference to the
 * weights' scale.
 */
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { affine, inputMatrix } from '../../src/cpu/layers';
import { bindActivation } from '../../src/lab/activations';
import { type ExperimentConfig, formatError, parseConfig } from '../../src/lab/config';
import { weightDistribution } from '../../src/lab/initializers';
import { normalize } from '../../src/lab/normalization';
import { sampleWeights } from '../../src/lab/sampling';
import { emptyPartial, pushValue, toMoments } from '../../src/lab/stats';

const engine = new CpuEngine();

function config(raw: object): ExperimentConfig {
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error(parsed.errors.map(formatError).join('\n'));
  return parsed.config;
}

function meanSq(values: Float64Array): number {
  const p = emptyPartial();
  for (const x of values) pushValue(p, x);
  return toMoments(p).meanSq;
}

describe('a residual network on the CPU engine', () => {
  it('is the model: W_in, then W_{l,1} and W_{l,2} from their addresses, α, LayerNorm, zero-init W₂ (exact)', async () => {
    const c = config({
      width: 6,
      depth: 3,
      bias: 0.05,
      activation: 'tanh',
      input: { distribution: 'normal', batch: 5, width: 4 },
      init: { kind: 'xavier-normal' },
      architecture: { kind: 'residual', branchScale: 0.6, norm: 'layer', eps: 1e-3 },
    });
    for (const zeroInitLast of [false, true]) {
      const run = { ...c, architecture: { ...c.architecture, zeroInitLast } };
      const result = await engine.run(run);
      const phi = bindActivation('tanh', c);
      const draw = (address: number, fanIn: number) =>
        sampleWeights(
          weightDistribution(c.sweep[0], fanIn, 6),
          { seed: 1, series: 0, trial: 0, layer: address },
          fanIn,
          6,
        );
      let x = affine(inputMatrix(c, 0, [0, 1, 2, 3, 4]), draw(1, 4), 5, 4, 6, 0.05);
      for (let l = 1; l <= 3; l++) {
        const u = normalize('layer', x, 5, 6, 1e-3).values.map(phi.f);
        const z = affine(u, draw(2 * l, 6), 5, 6, 6, 0.05);
        const w2 = zeroInitLast ? new Float64Array(36) : draw(2 * l + 1, 6);
        const branch = affine(z.map(phi.f), w2, 5, 6, 6, 0.05).map((y) => 0.6 * y);
        x = x.map((v, e) => v + branch[e]);
        const layer = result.series[0].layers[l - 1];
        // Welford's running mean square against a direct one: float64 rounding only.
        expect(layer.pre.meanSq).toBeCloseTo(meanSq(z), 13);
        expect(layer.branch!.meanSq).toBeCloseTo(meanSq(branch), 13);
        expect(layer.stream!.meanSq).toBeCloseTo(meanSq(x), 13);
      }
    }
  });

  /**
   * He branches, ReLU, zero bias, no normalization, width 512, 12 blocks, 4 networks (seeds) of 16 rows. Within
   * sampling error: for each block, the mean over the networks of ln(E[x_l²]/E[x_1²]) — each network's own growth —
   * lies within 3 standard errors (taken from the networks' spread) of theory's ln((1 + α²)^(l−1)), plus 0.5 % a block
   * for what finite width adds (a unit's own share of the branch, O(1/n)). Averaging logs rather than values keeps
   * one fast-growing network from dominating (the growth is a product of random factors); Jensen's gap between
   * E[ln R] and ln E[R] is ≈ Var(R)/2 ≈ 0.1 % a block here.
   */
  it.each([
    ['1', 1, 2],
    ['1/√L', '1/sqrt(depth)', 1 + 1 / 12],
    ['zero-init-last', 1, 1],
  ] as const)('E[x_{l+1}²] = (1 + α²)·E[x_l²] at width 512 with α = %s', async (name, branchScale, ratio) => {
    const NETWORKS = 4;
    const runs = await Promise.all(
      Array.from({ length: NETWORKS }, (_, k) =>
        engine.run(
          config({
            seed: 11 + k,
            width: 512,
            depth: 12,
            input: { distribution: 'normal', batch: 16, width: 64 },
            init: { kind: 'he-normal' },
            architecture: { kind: 'residual', branchScale, zeroInitLast: name === 'zero-init-last' },
          }),
        ),
      ),
    );
    const growth = runs.map((r) =>
      r.series[0].layers.map((l, _, all) => Math.log(l.stream!.meanSq / all[0].stream!.meanSq)),
    );
    for (let l = 1; l < 12; l++) {
      const values = growth.map((g) => g[l]);
      const mean = values.reduce((a, b) => a + b, 0) / NETWORKS;
      const spread = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (NETWORKS - 1));
      const allowed = (3 * spread) / Math.sqrt(NETWORKS) + 0.005 * l;
      expect(Math.abs(mean - l * Math.log(ratio)), `block ${l + 1}: ${values}`).toBeLessThanOrEqual(allowed);
    }
  });

  it('grows 2^49 from block 1 to block 50 with α = 1, held in float64 without a flag', async () => {
    const c = config({
      width: 512,
      depth: 50,
      input: { distribution: 'normal', batch: 8, width: 32 },
      init: { kind: 'he-normal' },
      architecture: { kind: 'residual' },
    });
    const layers = (await engine.run(c)).series[0].layers;
    const growth = Math.log2(layers[49].stream!.meanSq / layers[0].stream!.meanSq);
    // log2 of each block's ratio moves by ≈ 0.03/ln 2 ≈ 0.04 in one network, ≈ 0.3 over 49 blocks; 1.5 is five of those.
    expect(Math.abs(growth - 49), `log2 growth ${growth}`).toBeLessThan(1.5);
    expect(layers.flatMap((l) => l.flags)).toEqual([]);
  });
});

describe('normalization makes the forward signal forget the weights’ scale (CPU engine)', () => {
  it('refuses in a sentence a BatchNorm experiment on one row, or on some rows of its batch', async () => {
    await expect(engine.run(config({ architecture: { norm: 'batch' } }))).rejects.toThrow(
      /BatchNorm normalizes each unit over the batch, and this input is one row/,
    );
    const batch = config({ input: { distribution: 'normal', batch: 4, width: 3 }, architecture: { norm: 'batch' } });
    await expect(engine.run(batch, { rows: [0, 1] })).rejects.toThrow(/normalizes over its whole batch/);
  });

  it('refuses in a sentence a Jacobian or a phase diagram of a network other than the plain one without normalization', async () => {
    const residual = config({ width: 8, depth: 2, architecture: { kind: 'residual' } });
    await expect(engine.run(residual, { jacobian: true })).rejects.toThrow(
      /the Jacobian's singular values are computed for the plain network without normalization, not a residual, α = 1 one/,
    );
    await expect(engine.run(residual, { phase: true })).rejects.toThrow(
      /a phase diagram is computed for the plain network without normalization, not a residual, α = 1 one/,
    );
  });

  const base = {
    width: 64,
    depth: 6,
    input: { distribution: 'normal', batch: 16, width: 16 },
  };
  const post = async (raw: object) => (await engine.run(config(raw))).series[0].layers.map((l) => l.post);

  it.each(['layer', 'batch'] as const)(
    '%sNorm: the same H statistics at σ = 1e-3 and σ = 1 when ε scales with σ², and when ε = 0',
    async (norm) => {
      // N(c·Z; c²·ε) = N(Z; ε) exactly: only rounding (1e-12 relative) tells the runs apart.
      for (const [eps, small] of [
        [0, 0],
        [0.1, 1e-7],
      ]) {
        const large = await post({ ...base, init: { kind: 'normal', sigma: 1 }, architecture: { norm, eps } });
        const tiny = await post({ ...base, init: { kind: 'normal', sigma: 1e-3 }, architecture: { norm, eps: small } });
        large.forEach((m, l) => {
          expect(Math.abs(tiny[l].meanSq / m.meanSq - 1), `layer ${l + 1}`).toBeLessThan(1e-12);
          expect(Math.abs(tiny[l].mean / m.mean - 1), `layer ${l + 1}`).toBeLessThan(1e-12);
        });
      }
    },
  );

  it("with PyTorch's ε = 1e-5, σ = 1e-2 and σ = 1 differ by no more than ε's share of the variance", async () => {
    const eps = 1e-5;
    const architecture = { norm: 'layer', eps };
    const large = await post({ ...base, init: { kind: 'normal', sigma: 1 }, architecture });
    const small = await post({ ...base, init: { kind: 'normal', sigma: 1e-2 }, architecture });
    const pre = (await engine.run(config({ ...base, init: { kind: 'normal', sigma: 1e-2 }, architecture }))).series[0]
      .layers;
    small.forEach((m, l) => {
      // E[N(Z)²] = s/(s + ε) for a row of variance s: σ = 1e-2's rows hold ε/s of a few 1e-3.
      const share = eps / pre[l].pre.var;
      expect(Math.abs(m.meanSq / large[l].meanSq - 1), `layer ${l + 1}`).toBeLessThan(2 * share);
    });
  });
});
