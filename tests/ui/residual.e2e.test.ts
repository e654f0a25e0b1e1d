/**
 * The section "Residual connections and normalization" on the page, on the reader's engine: each depth figure draws
 * every network variant's stream (the plain network's Z_l) as the CPU engine computes it, beside that variant's theory,
 * and the LayerNorm σ sweep draws Var(Z), Var(H) and the gradients; the sentences quote the figures. On the GPU engine
 * the same figures agree with the CPU reference within the GPU tolerance.
 */
import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { defaultConfig } from '../../src/lab/config';
import type { RunResult } from '../../src/lab/results';
import { theoryCurves } from '../../src/lab/theory';
import { DEPTH_FIGURES, layerNormSweepConfig, NETWORK_VARIANTS, variantConfig } from '../../src/ui/residualConfigs';
import { chartSnapshot, expectClose, openLab, useLab, waitForRun } from './labServer';

/**
 * The CPU worker runs the same float64 code as Node; the two V8s may differ in the last bit of Math.log and Math.cos
 * (Box–Muller), ~1e-16, grown to ~1e-15 by 8 blocks forward and back. 1e-12 allows that and nothing else.
 */
const CROSS_RUNTIME_RELATIVE_TOLERANCE = 1e-12;

/** float32 sums of a few hundred terms over 8 blocks: the GPU tests' bar (tests/gpu/agreement.ts). */
const GPU_RELATIVE_TOLERANCE = 1e-4;

/** With several networks each series plots its mean, then its 90 % and 10 % band edges. */
const meanRow = (trials: number, series: number) => 1 + series * (trials > 1 ? 3 : 1);

async function scrollAndWait(page: Page, id: string): Promise<void> {
  await page.locator(`#${id}-figure`).scrollIntoViewIfNeeded();
  await waitForRun(page, [id]);
}

describe('residual connections and normalization on the page', () => {
  const env = useLab();
  const engine = new CpuEngine();
  const reader = defaultConfig();

  it('each depth figure draws every variant’s E[x²] per block as the CPU computes it, with its theory dashed', async () => {
    const { page, errors } = await openLab(env.browser, `${env.lab.url}?engine=cpu`);
    await waitForRun(page);
    for (const { id, norm } of DEPTH_FIGURES) {
      await scrollAndWait(page, id);
      const snapshot = await chartSnapshot(page, `${id}-stream`);
      expect(snapshot.labels).toEqual(NETWORK_VARIANTS.map((v) => v.label));
      for (const [i, variant] of NETWORK_VARIANTS.entries()) {
        const config = variantConfig(reader, variant, norm);
        const reference: RunResult = await engine.run(config);
        const quantity = variant.architecture.kind === 'residual' ? 'stream' : 'pre';
        const theory = theoryCurves(config)[0].layers;
        reference.series[0].layers.forEach((l, k) => {
          const what = `${id} ${variant.label}, block ${k + 1}`;
          const measured = snapshot.data[meanRow(config.trials, i)][k]!;
          expectClose(measured, l[quantity]!.meanSq, CROSS_RUNTIME_RELATIVE_TOLERANCE, what);
          expectClose(snapshot.theory[i][k], theory[k][quantity]!.meanSq, CROSS_RUNTIME_RELATIVE_TOLERANCE, what);
        });
      }
      const meta = await page.locator(`#${id}-figure .figure-meta`).textContent();
      expect(meta).toMatch(/^CPU engine/);
      expect(meta).not.toMatch(/GPU engine/);
      expect(await page.getByTestId(`${id}-growth`).textContent()).toMatch(/^From block 1 to block 8, E\[x²\] changed/);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the σ sweep with LayerNorm draws Var(Z), Var(H) and E[(∂L/∂Z)²] of the CPU run, and quotes them', async () => {
    const { page, errors } = await openLab(env.browser, `${env.lab.url}?engine=cpu`);
    await waitForRun(page);
    await scrollAndWait(page, 'layernorm-sweep');
    const config = layerNormSweepConfig(reader);
    const reference = await engine.run(config, { backward: true });
    for (const [quantity, statistic] of [
      ['pre', 'var'],
      ['post', 'var'],
      ['grad', 'meanSq'],
    ] as const) {
      const snapshot = await chartSnapshot(page, `layernorm-sweep-${quantity}`);
      expect(snapshot.labels).toEqual(reference.series.map((s) => s.label));
      reference.series.forEach((s, i) => {
        s.layers.forEach((l, k) => {
          const measured = snapshot.data[meanRow(config.trials, i)][k]!;
          const what = `${s.label} ${quantity}, layer ${k + 1}`;
          expectClose(measured, l[quantity]![statistic], CROSS_RUNTIME_RELATIVE_TOLERANCE, what);
        });
      });
    }
    const sentence = await page.getByTestId('layernorm-sweep-result').textContent();
    const last = reference.series.at(-1)!.layers;
    expect(sentence).toContain(`σ = 0.5: Var(H_8) = ${last[7].post.var.toPrecision(3)}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('on the GPU engine: every depth figure and the σ sweep, gradients included, within 1e-4 of the CPU reference', async () => {
    const { page, errors } = await openLab(env.browser, `${env.lab.url}?engine=gpu`);
    await waitForRun(page);
    for (const { id, norm } of DEPTH_FIGURES) {
      await scrollAndWait(page, id);
      expect(await page.locator(`#${id}-figure .figure-meta`).textContent()).toMatch(/^GPU engine/);
      const snapshot = await chartSnapshot(page, `${id}-stream`);
      for (const [i, variant] of NETWORK_VARIANTS.entries()) {
        const config = variantConfig(reader, variant, norm);
        const quantity = variant.architecture.kind === 'residual' ? 'stream' : 'pre';
        (await engine.run(config)).series[0].layers.forEach((l, k) => {
          const measured = snapshot.data[meanRow(config.trials, i)][k]!;
          expectClose(measured, l[quantity]!.meanSq, GPU_RELATIVE_TOLERANCE, `${id} ${variant.label}, block ${k + 1}`);
        });
      }
    }
    await scrollAndWait(page, 'layernorm-sweep');
    const config = layerNormSweepConfig(reader);
    const reference = await engine.run(config, { backward: true });
    const snapshot = await chartSnapshot(page, 'layernorm-sweep-grad');
    reference.series.forEach((s, i) => {
      s.layers.forEach((l, k) => {
        const measured = snapshot.data[meanRow(config.trials, i)][k]!;
        expectClose(measured, l.grad!.meanSq, GPU_RELATIVE_TOLERANCE, `${s.label} grad, layer ${k + 1}`);
      });
    });
    expect(errors).toEqual([]);
    await page.close();
  });
});
