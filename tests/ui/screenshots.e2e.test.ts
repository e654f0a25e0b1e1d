import { mkdirSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { launch, openLab, startLab, waitForRun, type Lab } from './labServer';

/** Git-ignored; people look at these before a change to the page is accepted. */
const OUT = 'test-output';

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

  async function shoot(name: string): Promise<void> {
    const path = `${OUT}/${name}.png`;
    await page.screenshot({ path });
    expect(statSync(path).size).toBeGreaterThan(10_000);
  }

  it('the seed experiment, Xavier and He sections are captured with their live charts', async () => {
    for (const id of ['experiment', 'xavier', 'he']) {
      await page.locator(`#${id === 'experiment' ? 'seed-figure' : `${id}-figure`}`).scrollIntoViewIfNeeded();
      await shoot(id === 'experiment' ? 'default' : id);
    }
  });

  it('lecture mode at 1280×720 shows one section in large type', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.keyboard.press('l');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    const heading = await page.locator('section.current h2').evaluate((h) => ({ id: h.parentElement!.id, size: parseFloat(getComputedStyle(h).fontSize) }));
    expect(heading.id).toBe('experiment');
    expect(heading.size).toBeGreaterThanOrEqual(40);
    await shoot('lecture');
    await page.keyboard.press('c');
    await shoot('lecture-no-controls');
    await page.keyboard.press('c');
    await page.keyboard.press('l');
  });

  it('the dark theme switches the page and chart colours', async () => {
    await page.keyboard.press('t');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.locator('#seed-figure').scrollIntoViewIfNeeded();
    await shoot('dark');
    await page.keyboard.press('t');
  });
});
