import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { activations } from '../../src/lab/activations';
import { DEFAULT_TOLERANCES } from '../../src/lab/compare';
import { batchRows, type ExperimentConfig, inputWidth, parseConfig } from '../../src/lab/config';
import { initializers, initKinds } from '../../src/lab/initializers';
import type { LayerHistograms, LayerStats } from '../../src/lab/results';
import { theoryCurves } from '../../src/lab/theory';
import { chartSnapshot, expectClose, openLab, useLab, waitForRun } from './labServer';

/** What the GPU engine guarantees against the float64 reference, per statistic (src/lab/compare.ts). */
const GPU_RELATIVE_TOLERANCE = DEFAULT_TOLERANCES.statistic;
/**
 * The CPU worker runs the same float64 code as Node; the two V8s may differ in the last bit of Math.log and Math.cos
 * (Box–Muller), ~1e-16, grown to ~1e-15 by 8 layers forward and 8 back. 1e-12 allows that and nothing else.
 */
const CROSS_RUNTIME_RELATIVE_TOLERANCE = 1e-12;

interface ResultJson {
  config: ExperimentConfig;
  engine: 'cpu' | 'gpu';
  series: { label: string; layers: LayerStats[]; histograms?: LayerHistograms[] }[];
}

/** The page's result for a section, its config parsed from the JSON form the page keeps. */
async function result(page: Page, id: string): Promise<ResultJson | undefined> {
  const shown = await page.evaluate(
    (id) => (window as unknown as { initlab: { results: Record<string, ResultJson | undefined> } }).initlab.results[id],
    id,
  );
  if (!shown) return undefined;
  const parsed = parseConfig(shown.config);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return { ...shown, config: parsed.config };
}

describe('gradients and distributions on the page', () => {
  const env = useLab();

  it("computes the backward section only once it is in view, charts the CPU engine's backward JSON with theory dashed, and names its engine", async () => {
    const { page, errors } = await openLab(env.browser, env.lab.url);
    await waitForRun(page);
    expect(await result(page, 'backward')).toBeUndefined();
    await page.locator('#backward-figure').scrollIntoViewIfNeeded();
    await waitForRun(page, ['backward']);
    const shown = (await result(page, 'backward'))!;
    const reference = await new CpuEngine().run(shown.config, { backward: true });
    const tolerance = shown.engine === 'gpu' ? GPU_RELATIVE_TOLERANCE : CROSS_RUNTIME_RELATIVE_TOLERANCE;
    const theory = theoryCurves(shown.config);
    for (const [quantity, statistic] of [
      ['pre', 'var'],
      ['grad', 'meanSq'],
      ['weightGrad', 'meanSq'],
    ] as const) {
      const snapshot = await chartSnapshot(page, `backward-${quantity}`);
      expect(snapshot.labels).toEqual(reference.series.map((s) => s.label));
      reference.series.forEach((s, i) => {
        s.layers.forEach((l, k) => {
          // With several networks each series plots its mean, then its 90 % and 10 % band edges.
          const stride = shown.config.trials > 1 ? 3 : 1;
          expectClose(
            snapshot.data[1 + i * stride][k]!,
            l[quantity]![statistic],
            tolerance,
            `${s.label} ${quantity}, layer ${k + 1}`,
          );
          expectClose(
            snapshot.theory[i][k],
            theory[i].layers[k][quantity][statistic],
            CROSS_RUNTIME_RELATIVE_TOLERANCE,
            `${s.label} ${quantity} theory, layer ${k + 1}`,
          );
        });
      });
    }
    const meta = await page.locator('#backward-figure .figure-meta').textContent();
    expect(meta).toMatch(new RegExp(`^${shown.engine.toUpperCase()} engine`));
    const chosen = await page.evaluate(() => (window as unknown as { initlab: { engine: string } }).initlab.engine);
    if (chosen !== shown.engine)
      expect(meta).toContain(
        `The ${chosen.toUpperCase()} engine gives no gradients, so this figure ran on the CPU engine.`,
      );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('histograms of Z, H, gradients and weights count every element of their layer, and the layer slider shows each layer', async () => {
    const { page, errors } = await openLab(env.browser, `${env.lab.url}?depth=4&sweep=normal:sigma=0.5;he-normal`);
    await waitForRun(page);
    await page.locator('#distributions-figure').scrollIntoViewIfNeeded();
    await waitForRun(page, ['distributions']);
    const shown = (await result(page, 'distributions'))!;
    const rows = batchRows(shown.config);
    for (const series of shown.series) {
      expect(series.histograms).toHaveLength(shown.config.depth);
      series.histograms!.forEach((h, l) => {
        const total = (x: { counts: number[]; below: number; above: number; nan: number }) =>
          x.counts.reduce((a, b) => a + b, 0) + x.below + x.above + x.nan;
        for (const q of ['pre', 'post', 'grad'] as const)
          expect(total(h[q]!), `${series.label} ${q}, layer ${l + 1}`).toBe(rows * shown.config.width);
        const fanIn = l === 0 ? inputWidth(shown.config) : shown.config.width;
        expect(total(h.weights), `${series.label} weights, layer ${l + 1}`).toBe(fanIn * shown.config.width);
      });
    }
    await page.getByTestId('histogram-layer').evaluate((slider: HTMLInputElement) => {
      slider.value = '3';
      slider.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.getByTestId('histogram-series').selectOption('1');
    expect((await chartSnapshot(page, 'dist-grad')).data[1]).toEqual(shown.series[1].histograms![2].grad!.counts);
    expect((await chartSnapshot(page, 'dist-pre')).data[1]).toEqual(shown.series[1].histograms![2].pre.counts);
    expect((await chartSnapshot(page, 'dist-weights-0')).data[1]).toEqual(
      shown.series[0].histograms![2].weights.counts,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows the chosen activation's formula and gain, the slope only for leaky ReLU, and every initializer's summary", async () => {
    const { page } = await openLab(env.browser, `${env.lab.url}?engine=cpu`);
    await waitForRun(page);
    const slope = page.locator('label', { has: page.getByTestId('control-slope') });
    expect(await slope.isVisible()).toBe(false);
    expect(await page.getByTestId('activation-summary').textContent()).toBe(
      `${activations.relu.summary}. Gain ${Math.SQRT2.toPrecision(4)}.`,
    );
    await page.getByTestId('control-activation').selectOption('leaky-relu');
    expect(await slope.isVisible()).toBe(true);
    const gain = activations['leaky-relu'].gain({ slope: 0.01 });
    expect(await page.getByTestId('activation-summary').textContent()).toBe(
      `${activations['leaky-relu'].summary}. Gain ${gain.toPrecision(4)}.`,
    );
    for (const kind of initKinds) {
      const summary = page.getByTestId(`init-summary-${kind}`);
      expect(await summary.isVisible(), kind).toBe(true);
      expect(await summary.textContent()).toContain(initializers[kind].summary);
    }
    await page.close();
  });
});
