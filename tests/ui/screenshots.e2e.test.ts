import { mkdirSync, statSync } from 'node:fs';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, launch, openLab, startLab, waitForRun } from './labServer';

/** Git-ignored; people look at these before a change to the page is accepted. */
const OUT = 'test-output';

async function shoot(page: Page, name: string): Promise<void> {
  const path = `${OUT}/${name}.png`;
  await page.screenshot({ path });
  expect(statSync(path).size).toBeGreaterThan(10_000);
}

/** Scrolls an element to the top of the screen, below the sticky header. */
const scrollToTop = (page: Page, selector: string) =>
  page.locator(selector).evaluate((e) => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 60));

describe('screenshots of the main views', () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    lab = await startLab();
    browser = await launch();
    ({ page } = await openLab(browser, lab.url, { width: 1280, height: 720 }));
    await waitForRun(page);
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.server.close();
  });

  it('the seed experiment, Xavier and He sections are captured with their live charts', async () => {
    for (const id of ['experiment', 'xavier', 'he']) {
      await page.locator(`#${id === 'experiment' ? 'seed-figure' : `${id}-figure`}`).scrollIntoViewIfNeeded();
      await shoot(page, id === 'experiment' ? 'default' : id);
    }
  });

  it('the theory overlay, the backward section and the histograms are captured once their sections are in view', async () => {
    await page.locator('#seed-figure').scrollIntoViewIfNeeded();
    await page.locator('#seed-figure').screenshot({ path: `${OUT}/theory-overlay.png` });
    expect(statSync(`${OUT}/theory-overlay.png`).size).toBeGreaterThan(10_000);
    await page.locator('#backward-figure').scrollIntoViewIfNeeded();
    await waitForRun(page, ['backward']);
    await page.locator('#backward-figure').screenshot({ path: `${OUT}/backward.png` });
    expect(statSync(`${OUT}/backward.png`).size).toBeGreaterThan(10_000);
    await page.locator('#distributions-figure').scrollIntoViewIfNeeded();
    await waitForRun(page, ['distributions']);
    // Scrolled by hand so that the sticky header does not cover the layer slider.
    await scrollToTop(page, '#distributions-figure');
    await shoot(page, 'histograms');
  });

  it('lecture mode at 1280×720 shows one section in large type', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.keyboard.press('l');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    const heading = await page
      .locator('section.current h2')
      .evaluate((h) => ({ id: h.parentElement!.id, size: parseFloat(getComputedStyle(h).fontSize) }));
    expect(heading.id).toBe('experiment');
    expect(heading.size).toBeGreaterThanOrEqual(40);
    await shoot(page, 'lecture');
    await page.keyboard.press('c');
    await shoot(page, 'lecture-no-controls');
    await page.keyboard.press('c');
    await page.keyboard.press('l');
  });

  it("lecture mode at 1280×720 puts every section's key figure on the first screen, above the footer", async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.keyboard.press('l');
    try {
      await page.keyboard.press('Home');
      const footerTop = (await page.getByTestId('lecture-footer').boundingBox())!.y;
      const sections = await page.locator('main > section').evaluateAll((all) => all.map((s) => s.id));
      for (const id of sections) {
        if (await page.locator(`section#${id} .key-figure`).count()) {
          // The figure's first chart, or its drawing when it has no chart.
          const charts = page.locator(`section#${id} .key-figure .chart`);
          const drawing = (await charts.count())
            ? charts.first()
            : page.locator(`section#${id} .key-figure > :first-child`);
          const box = (await drawing.boundingBox())!;
          expect(box.y + box.height, `${id}: bottom of the key figure`).toBeLessThanOrEqual(footerTop);
          await shoot(page, `lecture-${id}`);
        }
        await page.keyboard.press('ArrowRight');
      }
    } finally {
      await page.keyboard.press('l');
    }
  });

  it('the dark theme switches the page and chart colours', async () => {
    await page.keyboard.press('t');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.locator('#seed-figure').scrollIntoViewIfNeeded();
    await shoot(page, 'dark');
    await page.keyboard.press('t');
  });
});

describe('screenshots on a phone, 390×844', () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    lab = await startLab();
    browser = await launch();
    // The CPU engine: these pictures are about layout, and SwiftShader's GPU runs are the slow part of the suite.
    ({ page } = await openLab(browser, `${lab.url}?engine=cpu`, { width: 390, height: 844 }));
    await waitForRun(page);
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.server.close();
  });

  it('the first screen, the controls drawer, the seed experiment and the He derivation are captured at phone width', async () => {
    await shoot(page, 'phone');
    await page.getByTestId('toggle-controls').click();
    await expect.poll(() => page.getByTestId('control-host').isVisible()).toBe(true);
    await shoot(page, 'phone-controls');
    await page.keyboard.press('Escape');
    for (const [selector, name] of [
      ['#seed-figure', 'phone-experiment'],
      ['#he-derivation', 'phone-he'],
    ]) {
      await scrollToTop(page, selector);
      await shoot(page, name);
    }
  });
});
