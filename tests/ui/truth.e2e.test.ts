/**
 * The page's sentences against its own figures: the hiking walkers really descend the drawn curve, the sections'
 * claims hold on their default settings, the charts show the median and the 10–90 % band they say they show, and the
 * sentences that depend on the panel follow it.
 */
import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../../src/lab/config';
import type { LayerStats } from '../../src/lab/results';
import { formatNumber } from '../../src/ui/format';
import { HIKING_STEP, HIKING_VIEW, hikingLoss, hikingSlope, px, py } from '../../src/ui/hikingLandscape';
import { CLAIM_MIN_WIDTH } from '../../src/ui/sectionConfigs';
import { chartSnapshot, openLab, useLab, waitForRun } from './labServer';

/** The SVG path prints coordinates with two decimals: each is within 0.005 px of the exact point. */
const PATH_ROUNDING_PX = 0.005;
/** The same float64 code in Node and in Chromium: Math.exp may differ in its last bit, nothing more. */
const CROSS_RUNTIME_RELATIVE_TOLERANCE = 1e-12;
/** The bound for He's level: median Var(Z_L)/Var(Z_1) of the section's default networks. */
const HE_LEVEL = { low: 0.7, high: 1.4 };
/**
 * σ = 0.5's expected growth per layer at width 10 is nσ²/2 = 1.25. The trial mean of 500 width-10 networks is
 * heavy-tailed: over 2000 independent sets of 500 (a numpy Monte-Carlo) its growth (mean Var(Z₈)/mean Var(Z₁))^(1/7)
 * fell within [1.18, 1.34] in 98 % of them.
 */
const SIGMA_HALF_GROWTH = { expected: 1.25, low: 1.18, high: 1.34 };

interface ResultJson {
  config: ExperimentConfig;
  series: { label: string; layers: LayerStats[] }[];
}

const result = (page: Page, id: string) =>
  page.evaluate(
    (id) => (window as unknown as { initlab: { results: Record<string, unknown> } }).initlab.results[id],
    id,
  ) as Promise<ResultJson>;

const live = (page: Page, name: string) => page.locator(`[data-live="${name}"]`).first().textContent();

/** Waits until the live sentence `name` contains `text`; on timeout says what the page's run status was. */
async function waitForSentence(page: Page, name: string, text: string, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  while (!((await live(page, name)) ?? '').includes(text)) {
    if (Date.now() - started > timeoutMs) {
      const status = await page.getByTestId('run-status').textContent();
      throw new Error(`"${name}" never said "${text}"; run status: ${status}; it says: ${await live(page, name)}`);
    }
    await page.waitForTimeout(250);
  }
}

describe('the page says what its figures measure', () => {
  const env = useLab();

  it('the hiking walkers take gradient-descent steps on the drawn curve; the plateau start descends at every step but crawls', async () => {
    const { page, errors } = await openLab(env.browser, `${env.lab.url}?engine=cpu`);
    await page.waitForFunction(
      () => 'hiking' in (window as unknown as { initlab: { drawings: object } }).initlab.drawings,
    );
    const d = (await page.getByTestId('hiking-curve').getAttribute('d'))!;
    const points = [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(points.length).toBeGreaterThan(100);
    const xPerPx = (HIKING_VIEW.x1 - HIKING_VIEW.x0) / HIKING_VIEW.width;
    const pxPerLoss = HIKING_VIEW.height / (HIKING_VIEW.top - HIKING_VIEW.bottom);
    for (const [cx, cy] of points) {
      const x = HIKING_VIEW.x0 + cx * xPerPx;
      // Rounding x by 0.005 px moves the curve by the slope times that, plus the 0.005 px of y's own rounding.
      const allowed = PATH_ROUNDING_PX * (1 + Math.abs(hikingSlope(x)) * xPerPx * pxPerLoss) + 1e-9;
      expect(Math.abs(cy - py(hikingLoss(x))), `curve at x = ${x}`).toBeLessThanOrEqual(allowed);
    }
    const shown = (await page.evaluate(
      () => (window as unknown as { initlab: { drawings: Record<string, unknown> } }).initlab.drawings.hiking,
    )) as { step: number; walks: { name: string; xs: number[]; losses: number[] }[] };
    expect(shown.step).toBe(HIKING_STEP);
    for (const walk of shown.walks) {
      walk.xs.slice(1).forEach((x, k) => {
        const expected = walk.xs[k] - HIKING_STEP * hikingSlope(walk.xs[k]);
        expect(Math.abs(x - expected), `${walk.name} step ${k + 1}`).toBeLessThanOrEqual(
          CROSS_RUNTIME_RELATIVE_TOLERANCE * (1 + Math.abs(expected)),
        );
      });
      const dots = await page
        .locator(`circle[data-walk="${walk.name}"]`)
        .evaluateAll((cs) => cs.map((c) => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))]));
      expect(dots).toHaveLength(walk.xs.length);
      dots.forEach(([cx, cy], k) => {
        expect(cx).toBeCloseTo(px(walk.xs[k]), 9);
        expect(cy).toBeCloseTo(py(hikingLoss(walk.xs[k])), 9);
      });
    }
    const byName = Object.fromEntries(shown.walks.map((w) => [w.name, w]));
    const plateau = byName.plateau.losses;
    plateau.slice(1).forEach((loss, k) => {
      expect(loss, `plateau step ${k + 1} goes downhill`).toBeLessThan(plateau[k]);
    });
    // Crawling: the same steps that take the slope walker to the floor move the plateau walker by less than 0.01.
    expect(byName.slope.losses.at(-1)!).toBeLessThan(1e-3);
    expect(Math.abs(byName.plateau.xs.at(-1)! - byName.plateau.xs[0])).toBeLessThan(0.01);
    expect(plateau[0] - plateau.at(-1)!).toBeLessThan(1e-3 * (byName.slope.losses[0] - byName.slope.losses.at(-1)!));
    // The cliff's first step lands on the plateau, left of the valley.
    expect(byName.cliff.xs[1]).toBeLessThan(byName.plateau.xs[0] + 2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("on the sections' defaults, He's median Var(Z₈)/Var(Z₁) is within 0.7–1.4, σ = 0.5's trial mean grows ≈ 1.25 per layer, and the sentences quote them", async () => {
    const { page, errors } = await openLab(env.browser, env.lab.url);
    await waitForRun(page, ['seed', 'ensemble', 'xavier', 'he']);
    const he = await result(page, 'he');
    expect(he.config.width).toBeGreaterThanOrEqual(CLAIM_MIN_WIDTH);
    const [heSeries] = he.series;
    expect(heSeries.label).toBe('He normal');
    const depth = he.config.depth;
    const medianRatio = heSeries.layers[depth - 1].pre.median.var / heSeries.layers[0].pre.median.var;
    expect(medianRatio).toBeGreaterThanOrEqual(HE_LEVEL.low);
    expect(medianRatio).toBeLessThanOrEqual(HE_LEVEL.high);
    expect(await live(page, 'he-result')).toContain(`median Var(Z₈) is ×${formatNumber(medianRatio, 3)}`);

    const ensemble = await result(page, 'ensemble');
    const half = ensemble.series.find((s) => s.label === 'σ = 0.5')!;
    const growth = (half.layers[depth - 1].pre.var / half.layers[0].pre.var) ** (1 / (depth - 1));
    expect(growth).toBeGreaterThanOrEqual(SIGMA_HALF_GROWTH.low);
    expect(growth).toBeLessThanOrEqual(SIGMA_HALF_GROWTH.high);
    expect(await live(page, 'ensemble-growth')).toContain(
      `σ = 0.5 grows ×${formatNumber(growth, 3)} per layer from layer 1 to 8 (theory: ×${formatNumber(SIGMA_HALF_GROWTH.expected, 3)})`,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a chart of many networks draws the mean, the median and the 10–90 % band, and says so beside it and in its table', async () => {
    const { page } = await openLab(env.browser, `${env.lab.url}?engine=cpu`);
    await waitForRun(page, ['ensemble']);
    const shown = await result(page, 'ensemble');
    const snapshot = await chartSnapshot(page, 'ensemble-pre');
    const medians = await page.evaluate(
      () =>
        (window as unknown as { initlab: { charts: Record<string, { median: number[][] }> } }).initlab.charts[
          'ensemble-pre'
        ].median,
    );
    shown.series.forEach((s, i) => {
      const of = (pick: (l: LayerStats) => number) => s.layers.map(pick);
      expect(snapshot.data[1 + 3 * i], `${s.label} mean`).toEqual(of((l) => l.pre.var));
      expect(snapshot.data[2 + 3 * i], `${s.label} 90 %`).toEqual(of((l) => l.pre.p90.var));
      expect(snapshot.data[3 + 3 * i], `${s.label} 10 %`).toEqual(of((l) => l.pre.p10.var));
      expect(medians[i], `${s.label} median`).toEqual(of((l) => l.pre.median.var));
    });
    const key = await page.getByTestId('chart-key-ensemble').textContent();
    expect(key).toContain(`mean of ${shown.config.trials} networks`);
    expect(key).toContain('band: 10–90 %');
    const caption = await page.locator('[data-testid="table-ensemble-pre"] caption').textContent();
    expect(caption).toContain('median and [10 %, 90 %] quantiles');
    await page.close();
  });

  it("the sentences follow the panel: σ's growth, the activation the paragraphs describe, the sections' width, and the two fan modes", async () => {
    const { page } = await openLab(env.browser, `${env.lab.url}?engine=cpu&width=20&sweep=normal:sigma=1`);
    await waitForRun(page, ['seed', 'xavier']);
    // σ = 1 at width 20: theory's factor per layer is nσ²/2 = 10.
    expect(await live(page, 'seed-growth')).toContain('σ = 1: ×10.0');
    expect(await live(page, 'relu-note')).toBe('');
    expect(await live(page, 'xavier-setting')).toContain(`${CLAIM_MIN_WIDTH} neurons`);
    expect(await live(page, 'xavier-setting')).toContain("the panel's width 20");
    expect(await page.locator('[data-testid="xavier-table"] tr.current').getAttribute('data-activation')).toBe('relu');
    await page.locator('#backward-figure').scrollIntoViewIfNeeded();
    await waitForRun(page, ['backward']);
    expect(await live(page, 'backward-modes')).toContain('gradient curves agree');

    await page.getByTestId('control-activation').selectOption('tanh');
    await waitForSentence(page, 'relu-note', 'network is tanh');
    await waitForSentence(page, 'backward-modes', 'gradient curves differ');
    expect(await page.locator('[data-testid="xavier-table"] tr.current').getAttribute('data-activation')).toBe('tanh');
    await page.close();
  }, 300_000);
});
