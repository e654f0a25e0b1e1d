/** The hiking figure against its own caption: its walkers really take gradient-descent steps on the drawn curve. */
import { describe, expect, it } from 'vitest';
import { HIKING_STEP, HIKING_VIEW, hikingLoss, hikingSlope, px, py } from '../../src/ui/hikingLandscape';
import { openLab, useLab } from './labServer';

/** The SVG path prints coordinates with two decimals: each is within 0.005 px of the exact point. */
const PATH_ROUNDING_PX = 0.005;
/** The same float64 code in Node and in Chromium: Math.exp may differ in its last bit, nothing more. */
const CROSS_RUNTIME_RELATIVE_TOLERANCE = 1e-12;

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
});
