/**
 * The section "Residual connections and normalization": its experiments derived from the reader's, the variants joined
 * into one figure with their own theory, and the sentences, on runs of the CPU engine.
 */
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { defaultConfig } from '../../src/lab/config';
import { resultJson } from '../../src/lab/results';
import { theoryCurves } from '../../src/lab/theory';
import { joinVariants, layerNormSweepConfig, NETWORK_VARIANTS, variantConfig } from '../../src/ui/residualConfigs';
import { depthGrowth, layerNormSweep } from '../../src/ui/residualSentences';
import { CLAIM_MIN_WIDTH } from '../../src/ui/sectionConfigs';

const engine = new CpuEngine();
const reader = defaultConfig();

async function joined(norm: 'none' | 'layer') {
  const results = [];
  for (const v of NETWORK_VARIANTS) results.push(await engine.run(variantConfig(reader, v, norm)));
  return joinVariants(results);
}

describe('the residual section’s experiments', () => {
  it('run the reader’s network He-initialized, at least 100 wide, 12 networks of each variant alike', () => {
    const configs = NETWORK_VARIANTS.map((v) => variantConfig(reader, v, 'layer'));
    for (const c of configs) {
      expect([c.width, c.depth, c.trials, c.input, c.sweep]).toEqual([
        CLAIM_MIN_WIDTH,
        8,
        12,
        reader.input,
        [{ kind: 'he-normal' }],
      ]);
      expect(c.architecture.norm).toBe('layer');
    }
    expect(configs.map((c) => [c.architecture.kind, c.architecture.branchScale, c.architecture.zeroInitLast])).toEqual([
      ['plain', 1, false],
      ['residual', 1, false],
      ['residual', '1/sqrt(depth)', false],
      ['residual', 1, true],
    ]);
    const sweep = layerNormSweepConfig(reader);
    expect([sweep.sweep, sweep.width, sweep.architecture]).toEqual([
      reader.sweep,
      reader.width,
      { ...reader.architecture, norm: 'layer' },
    ]);
  });
});

describe('the depth figures', () => {
  it('join the variants, the plain network’s Z_l standing for its stream, each series with its own theory and architecture', async () => {
    const { result, theory } = await joined('none');
    expect(result.series.map((s) => s.label)).toEqual(NETWORK_VARIANTS.map((v) => v.label));
    const plain = result.series[0];
    for (const l of plain.layers) expect(l.stream).toBe(l.pre);
    const plainTheory = theoryCurves(variantConfig(reader, NETWORK_VARIANTS[0], 'none'))[0].layers;
    expect(theory[0].layers.map((l) => l.stream)).toEqual(plainTheory.map((l) => l.pre));
    const json = resultJson(result) as { series: { architecture: { kind: string } }[] };
    expect(json.series.map((s) => s.architecture.kind)).toEqual(['plain', 'residual', 'residual', 'residual']);
    // Zero-init last: every branch adds exactly 0, so the stream does not change at all.
    expect(new Set(result.series[3].layers.map((l) => l.stream!.meanSq)).size).toBe(1);
    const sentence = depthGrowth(result, theory);
    expect(sentence).toContain('residual, zero-init last ×1.00 (theory ×1.00).');
    expect(sentence).toMatch(
      /^From block 1 to block 8, E\[x²\] changed: plain: Z_l ×[\d.]+ \(theory ×1\.00\); residual, α = 1 ×/,
    );
  });

  it('with LayerNorm, α = 1 adds a constant step per block, near theory’s', async () => {
    const { result, theory } = await joined('layer');
    const [measured, predicted] = [result.series[1].layers, theory[1].layers].map(
      (layers) => layers[7].stream!.meanSq - layers[0].stream!.meanSq,
    );
    // 12 networks of width 100: the sum of 7 steps sits within sampling error (≈ 10 %) of theory's 7·α²·c.
    expect(measured / predicted).toBeGreaterThan(0.8);
    expect(measured / predicted).toBeLessThan(1.2);
  });
});

describe('the σ sweep with LayerNorm', () => {
  it('quotes Var(H_8), Var(Z_8) and a first-layer gradient that still carries σ', async () => {
    const result = await engine.run(layerNormSweepConfig(reader), { backward: true });
    const sentence = layerNormSweep(result);
    expect(sentence).toMatch(/^With LayerNorm \(ε = 1\.00e-5\): σ = 1e-5: Var\(H_8\) = /);
    const gradient = (s: number) => result.series[s].layers[0].grad!.meanSq;
    // Theory: ∝ 1/σ², (0.5/0.01)² = 2500; a tenth of it is well outside the spread of 8 networks.
    expect(gradient(2) / gradient(4)).toBeGreaterThan(250);
  });
});
