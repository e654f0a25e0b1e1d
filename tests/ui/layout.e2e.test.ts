import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import { openLab, useLab, waitForRun } from './labServer';

const PHONE = { width: 390, height: 844 };
const WIDTH_RESULTS = ['width-coord-standard', 'width-coord-mup'];
/** The lazily computed sections, each with the jobs (results) its figure draws. */
const LAZY_JOBS: Record<string, string[]> = {
  backward: ['backward'],
  distributions: ['distributions'],
  correlations: ['correlations'],
  phase: ['phase-tanh', 'phase-panel'],
  isometry: ['isometry-linear', 'isometry-relu', 'isometry-tanh'],
  width: WIDTH_RESULTS,
};
/** KaTeX's glyphs may overhang their box by a pixel or two (italic corrections, struts); that clips nothing. */
const GLYPH_OVERHANG_PX = 2;

const documentWidth = (page: Page) =>
  page.evaluate(() => ({ document: document.documentElement.scrollWidth, viewport: window.innerWidth }));

/** The next frame after next: the formula fitter runs one frame after a resize, on a ResizeObserver's notice. */
const settled = (page: Page) =>
  page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));

interface SlideMeasure {
  prosePx: number;
  /** Formulas, charts and tables wider than their column, or with content scrolled out of sight. */
  clipped: string[];
  /** Text in tables, captions and figure notes set smaller than the prose. */
  smaller: string[];
  documentWidth: number;
}

/** What the current lecture slide clips, and what text on it is smaller than its prose. */
function measureSlide(page: Page, overhang: number): Promise<SlideMeasure> {
  return page.evaluate((overhang) => {
    const section = document.querySelector<HTMLElement>('main > section.current')!;
    const shown = (e: Element) => (e as HTMLElement).offsetParent !== null;
    const right = (e: Element) => e.getBoundingClientRect().right;
    const clipped: string[] = [];
    for (const display of section.querySelectorAll<HTMLElement>('.tex.display')) {
      for (const formula of display.querySelectorAll<HTMLElement>('.katex-display')) {
        if (formula.scrollWidth > display.clientWidth + overhang || formula.classList.contains('scrolls'))
          clipped.push(
            `formula ${formula.scrollWidth}px in ${display.clientWidth}px: ${formula.textContent!.slice(0, 60)}`,
          );
      }
      if (right(display) > right(section) + 1)
        clipped.push(`formula beyond the section: ${display.textContent!.slice(0, 60)}`);
    }
    for (const chart of section.querySelectorAll<HTMLElement>('.chart')) {
      const canvas = chart.querySelector('canvas');
      if (canvas && (right(canvas) > right(chart) + 1 || right(chart) > right(section) + 1))
        clipped.push(`chart ${chart.dataset.testid}`);
    }
    for (const table of [...section.querySelectorAll('table')].filter(shown)) {
      const wrap = table.closest<HTMLElement>('.table-wrap');
      if ((wrap && wrap.scrollWidth > wrap.clientWidth) || right(table) > right(section) + 1)
        clipped.push(`table ${table.dataset.testid ?? table.className}`);
    }
    const prosePx = parseFloat(getComputedStyle(section.querySelector('p, li')!).fontSize);
    const smaller = [...section.querySelectorAll('th, td, caption, figcaption, .figure-meta, .key-figure h3')]
      .filter((e) => shown(e) && e.textContent!.trim() !== '')
      .map((e) => ({ e, px: parseFloat(getComputedStyle(e).fontSize) }))
      .filter(({ px }) => px < prosePx - 0.01)
      .map(({ e, px }) => `${e.tagName} ${px}px: ${e.textContent!.slice(0, 40)}`);
    return { prosePx, clipped, smaller, documentWidth: document.documentElement.scrollWidth };
  }, overhang);
}

describe('the lab page on a phone and on a lecture screen', () => {
  const env = useLab();
  // The CPU engine: these tests are about layout, and SwiftShader's GPU runs are the slow part of the suite.
  // The width section's coordinate check at two small widths, so that it starts on sight and takes a moment.
  const url = () => `${env.lab.url}?engine=cpu&scaling.coordWidths=16,32`;

  it("at 390×844 the document is no wider than the screen and the explainer's first heading is on the first screen", async () => {
    const { page, errors } = await openLab(env.browser, url(), PHONE);
    await waitForRun(page);
    const width = await documentWidth(page);
    expect(width.document).toBeLessThanOrEqual(width.viewport);
    const heading = (await page.locator('main h2').first().boundingBox())!;
    expect(heading.y).toBeGreaterThanOrEqual(0);
    expect(heading.y + heading.height).toBeLessThanOrEqual(PHONE.height);
    expect(await page.locator('main h2').first().textContent()).toBe('Why initialization matters');
    expect(await page.getByTestId('control-host').isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('no width from 360 px up scrolls sideways, with every section drawn', async () => {
    const { page } = await openLab(env.browser, url(), { width: 360, height: 800 });
    await waitForRun(page);
    for (const id of ['backward', 'distributions']) {
      await page.locator(`#${id}-figure`).scrollIntoViewIfNeeded();
      await waitForRun(page, [id]);
    }
    await page.locator('#width-coord-figure').scrollIntoViewIfNeeded();
    await waitForRun(page, WIDTH_RESULTS);
    for (const width of [360, 390, 600, 900, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      await settled(page);
      const measured = await documentWidth(page);
      expect(measured.document, `at ${width} px`).toBeLessThanOrEqual(measured.viewport);
    }
    await page.close();
  });

  it('on a phone the Controls button opens the same controls as a drawer; Escape, Close or C shut it and give focus back', async () => {
    const { page } = await openLab(env.browser, url(), PHONE);
    await waitForRun(page);
    const button = page.getByTestId('toggle-controls');
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    await button.click();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('controls');
    expect(await page.evaluate(() => document.getElementById('doc')!.inert)).toBe(true);
    const depth = page.getByTestId('control-depth');
    expect(await depth.isVisible()).toBe(true);
    await depth.fill('6');
    await expect.poll(() => page.evaluate(() => location.search)).toContain('depth=6');
    await page.keyboard.press('Escape');
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('toggle-controls');
    expect(await page.evaluate(() => document.getElementById('doc')!.inert)).toBe(false);
    await expect.poll(() => page.getByTestId('control-host').isVisible()).toBe(false);
    for (const close of [() => page.getByTestId('close-controls').click(), () => page.keyboard.press('c')]) {
      await button.click();
      expect(await button.getAttribute('aria-expanded')).toBe('true');
      await close();
      expect(await button.getAttribute('aria-expanded')).toBe('false');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('toggle-controls');
    }
    await page.close();
  });

  it('the drawer slides, unless the reader asks for reduced motion', async () => {
    const transition = async (reducedMotion: 'reduce' | 'no-preference') => {
      const { page } = await openLab(env.browser, url(), PHONE, { reducedMotion });
      const seconds = await page
        .locator('#controls')
        .evaluate((panel) => parseFloat(getComputedStyle(panel).transitionDuration));
      await page.close();
      return seconds;
    };
    expect(await transition('no-preference')).toBeGreaterThan(0);
    expect(await transition('reduce')).toBe(0);
  });

  for (const viewport of [
    { width: 1280, height: 720 },
    { width: 1920, height: 1080 },
  ])
    it(`every lecture slide at ${viewport.width}×${viewport.height} clips no formula, chart or table, and sets tables and captions as large as its prose`, async () => {
      const { page } = await openLab(env.browser, url(), viewport);
      await waitForRun(page);
      await page.keyboard.press('l');
      const count = await page.locator('main > section').count();
      for (let i = 0; i < count; i++) {
        const id = (await page.locator('main > section.current').getAttribute('id'))!;
        // A lazy section is measured drawn: a table half filled in is no layout to judge.
        if (id in LAZY_JOBS) await waitForRun(page, LAZY_JOBS[id]);
        await settled(page);
        const slide = await measureSlide(page, GLYPH_OVERHANG_PX);
        expect(slide.clipped, id).toEqual([]);
        expect(slide.smaller, id).toEqual([]);
        expect(slide.documentWidth, id).toBeLessThanOrEqual(viewport.width);
        await page.keyboard.press('ArrowRight');
      }
      await page.close();
    });
});
