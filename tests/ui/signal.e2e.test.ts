/**
 * The sections beyond one input's variance, live on the GPU engine: pairs through tanh, the phase maps and the Jacobian
 * spectra, each checked against the float64 CPU engine run here in Node on the same config, and the phase map's Load.
 */
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { defaultConfig, type ExperimentConfig } from '../../src/lab/config';
import type { JacobianSpectrum } from '../../src/lab/jacobian';
import type { PhasePoint } from '../../src/lab/phase';
import type { LayerStats } from '../../src/lab/results';
import { theoryCurves } from '../../src/lab/theory';
import { correlationConfig, phaseConfig } from '../../src/ui/signalConfigs';
import { chartSnapshot, openLab, useLab, waitForRun } from './labServer';

/** The GPU engine's guarantee against the float64 reference: relative for q and χ₁, absolute for a cosine. */
const GPU_TOLERANCE = 1e-4;

const result = <T>(page: Page, id: string) =>
  page.evaluate(
    (id) => (window as unknown as { initlab: { results: Record<string, unknown> } }).initlab.results[id],
    id,
  ) as Promise<T>;

async function draw(page: Page, section: string, jobs: string[]): Promise<void> {
  await page.locator(`#${section}-figure`).scrollIntoViewIfNeeded();
  await waitForRun(page, jobs);
}

describe('order, chaos and isometry on the page, on the GPU engine', () => {
  const env = useLab();
  // One page for the three sections, as a reader scrolling down would see them; Load, which changes the experiment,
  // comes last.
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    ({ page, errors } = await openLab(env.browser, `${env.lab.url}?engine=gpu`));
    await waitForRun(page);
  });
  afterAll(() => page?.close());

  it('the correlation section: c_l per layer equals the CPU reference’s, with the mean-field c-map dashed', async () => {
    await draw(page, 'correlations', ['correlations']);
    const shown = await result<{ engine: string; series: { layers: LayerStats[] }[] }>(page, 'correlations');
    expect(shown.engine).toBe('gpu');
    const config = correlationConfig(defaultConfig());
    const reference = await new CpuEngine().run(config);
    reference.series.forEach((s, i) => {
      s.layers.forEach((l, k) => {
        const gpu = shown.series[i].layers[k].correlation!.mean;
        expect(Math.abs(gpu - l.correlation!.mean), `series ${i}, layer ${k + 1}`).toBeLessThanOrEqual(GPU_TOLERANCE);
      });
    });
    const chart = await chartSnapshot(page, 'correlations');
    expect(chart.theory).toEqual(theoryCurves(config).map((t) => t.layers.map((l) => l.correlation!.mean)));
    expect(await page.getByTestId('correlation-series').textContent()).toMatch(/ordered.*edge of chaos.*chaotic/);
    expect(errors).toEqual([]);
  });

  it('the Jacobian spectra: orthogonal linear networks are isometric to float32 precision, ReLU is not', async () => {
    const jobs = ['isometry-linear', 'isometry-relu', 'isometry-tanh'];
    await draw(page, 'isometry', jobs);
    type Shown = { series: { label: string; jacobian: JacobianSpectrum }[] };
    const linear = await result<Shown>(page, 'isometry-linear');
    const orthogonal = linear.series.find((s) => s.label.startsWith('Orthogonal'))!.jacobian;
    // 16 layers of 32-term float32 sums: every value within 1e-5 of gain^16 = 1.
    for (const s of orthogonal.singularValues) expect(Math.abs(s - 1)).toBeLessThan(1e-5);
    const gaussian = linear.series.find((s) => s.label.startsWith('He'))!.jacobian;
    expect(gaussian.max / gaussian.p5).toBeGreaterThan(1e3);
    const relu = await result<Shown>(page, 'isometry-relu');
    for (const s of relu.series) expect(s.jacobian.p5).toBeLessThan(1e-5 * s.jacobian.max);
    expect(await page.getByTestId('table-isometry-relu').textContent()).toContain('≈ 0');
    expect(errors).toEqual([]);
  });

  it('the phase maps (tanh and the panel’s ReLU) equal the CPU’s, and Load puts a network into the experiment', async () => {
    await draw(page, 'phase', ['phase-tanh', 'phase-panel']);
    for (const [id, activation] of [
      ['phase-tanh', 'tanh'],
      ['phase-panel', 'relu'],
    ] as const) {
      const shown = await result<{ engine: string; grid: PhasePoint[]; boundaries: { theory: number | null }[] }>(
        page,
        id,
      );
      expect(shown.engine).toBe('gpu');
      const reference = await new CpuEngine().run(phaseConfig(defaultConfig(), activation), { phase: true });
      reference.phase!.forEach((p, i) => {
        expect(Math.abs(shown.grid[i].chi1.measured! / p.chi1! - 1), `${id} χ₁ ${i}`).toBeLessThanOrEqual(
          GPU_TOLERANCE,
        );
      });
      if (activation === 'relu') for (const b of shown.boundaries) expect(b.theory).toBeCloseTo(Math.SQRT2, 6);
    }
    await page.locator('#phase-panel select').first().selectOption('1.5');
    await page.locator('#phase-panel select').nth(1).selectOption('0.2');
    await page.getByTestId('load-phase-panel').click();
    await expect.poll(() => page.evaluate(() => location.search)).toContain('sweep=he-normal:gain=1.5');
    const search = await page.evaluate(() => location.search);
    expect(search).toContain('bias=normal:sigma=0.2');
    expect(search).toContain('activation=relu');
    // The experiment above runs the loaded network.
    await expect
      .poll(() => result<{ config: ExperimentConfig }>(page, 'seed').then((r) => r.config.sweep), { timeout: 60_000 })
      .toEqual([{ kind: 'he-normal', gain: 1.5 }]);
    // A click on the map's lowest-left cell loads its network too: σ_w = 0.3, σ_b = 0.
    const box = (await page.getByTestId('heatmap-phase-tanh').boundingBox())!;
    await page.getByTestId('heatmap-phase-tanh').click({ position: { x: 60, y: box.height - 45 } });
    await expect.poll(() => page.evaluate(() => location.search)).toContain('sweep=he-normal:gain=0.3');
    expect(await page.evaluate(() => location.search)).toContain('activation=tanh');
    expect(errors).toEqual([]);
  });
});
