import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import { openLab, useLab, waitForRun } from './labServer';
import { openTraining, waitForTraining } from './trainingPage';

/**
 * axe-core's findings as lines a person can act on. The tests expect none at all: no serious or critical one, and no
 * moderate or minor one either (none is kept, so none needs a reason here).
 */
async function axeFindings(page: Page, where: string, include?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page });
  if (include) builder.include(include);
  const { violations } = await builder.analyze();
  return violations.map(
    (v) =>
      `${where}: [${v.impact}] ${v.id}: ${v.help} at ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(', ')}`,
  );
}

/** The lazily computed sections, each with the jobs (results) its figure draws. */
const LAZY_SECTIONS: Record<string, string[]> = {
  backward: ['backward'],
  distributions: ['distributions'],
  correlations: ['correlations'],
  phase: ['phase-tanh', 'phase-panel'],
  isometry: ['isometry-linear', 'isometry-relu', 'isometry-tanh'],
  residual: ['residual', 'residual-norm', 'layernorm-sweep'],
  width: ['width-coord-standard', 'width-coord-mup'],
};

/** Brings each lazily computed section into view and waits for its figure, as a reader scrolling down would. */
async function drawLazySections(page: Page): Promise<void> {
  for (const [id, jobs] of Object.entries(LAZY_SECTIONS)) {
    await page.locator(`#${id}-figure`).scrollIntoViewIfNeeded();
    await waitForRun(page, jobs);
  }
}

/**
 * The lecture walk waits on every slide for its lazily computed figures, one section after another: the phase diagrams
 * and the residual section’s nine runs together take over the e2e project's 180 s on a shared 2-core machine.
 */
const LECTURE_TIMEOUT_MS = 360_000;

const theme = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme);

describe('the lab page for every reader', () => {
  const env = useLab();
  // The CPU engine: these tests are about the page, and SwiftShader's GPU runs are the slow part of the suite.
  // The width section's coordinate check at two small widths, so that it starts on sight and takes a moment.
  const url = () => `${env.lab.url}?engine=cpu&scaling.coordWidths=16,32`;

  it('axe-core finds nothing on the light page, nor in any lazily computed section once it is drawn, training after a step', async () => {
    const { page, errors } = await openLab(env.browser, url(), { width: 1280, height: 800 }, { colorScheme: 'light' });
    await waitForRun(page);
    expect(await theme(page)).toBe('light');
    const found = await axeFindings(page, 'light page');
    for (const [id, jobs] of Object.entries(LAZY_SECTIONS)) {
      await page.locator(`#${id}-figure`).scrollIntoViewIfNeeded();
      await waitForRun(page, jobs);
      found.push(...(await axeFindings(page, `${id} drawn`, `#${id}`)));
    }
    await openTraining(page);
    await page.getByTestId('training-step').click();
    await waitForTraining(page, 'ready', 10);
    found.push(...(await axeFindings(page, 'training after a step', '#training')));
    expect(found).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a system in dark mode gets the dark theme, in which axe-core finds nothing, with every section drawn', async () => {
    const { page } = await openLab(env.browser, url(), { width: 1280, height: 800 }, { colorScheme: 'dark' });
    await waitForRun(page);
    expect(await theme(page)).toBe('dark');
    expect(await page.getByTestId('toggle-theme').getAttribute('aria-pressed')).toBe('true');
    await drawLazySections(page);
    expect(await axeFindings(page, 'dark page')).toEqual([]);
    await page.close();
  });

  it('the theme follows the system as it changes until the reader picks one, which then stays', async () => {
    const { page } = await openLab(env.browser, url(), { width: 1280, height: 800 }, { colorScheme: 'light' });
    await waitForRun(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => theme(page)).toBe('dark');
    await page.keyboard.press('t');
    expect(await theme(page)).toBe('light');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await theme(page)).toBe('light');
    await page.close();
  });

  it(
    'axe-core finds nothing in lecture mode: on any slide in the light theme, and on a slide with tables in the dark',
    async () => {
      const { page } = await openLab(env.browser, url(), { width: 1280, height: 720 }, { colorScheme: 'light' });
      await waitForRun(page);
      const found: string[] = [];
      await page.keyboard.press('l');
      const count = await page.locator('main > section').count();
      for (let i = 0; i < count; i++) {
        const id = (await page.locator('main > section.current').getAttribute('id'))!;
        if (id in LAZY_SECTIONS) await waitForRun(page, LAZY_SECTIONS[id]);
        // The whole page on the first slide; then each slide alone, since the rest of the page does not change.
        found.push(...(await axeFindings(page, `lecture, ${id}`, i === 0 ? undefined : 'main > section.current')));
        await page.keyboard.press('ArrowRight');
      }
      // The dark theme's colours are checked on every drawn section by the test above; what lecture mode adds to them
      // is the summary tables and the footer, all on the experiment's slide.
      await page.keyboard.press('t');
      await page.keyboard.press('Home');
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
      expect(await page.locator('main > section.current').getAttribute('id')).toBe('experiment');
      found.push(...(await axeFindings(page, 'lecture, dark, experiment')));
      expect(found).toEqual([]);
      await page.close();
    },
    LECTURE_TIMEOUT_MS,
  );

  it('every chart has a text alternative: a name, and for the per-layer charts the table of its numbers', async () => {
    const { page } = await openLab(env.browser, url(), { width: 1280, height: 800 });
    await waitForRun(page);
    await drawLazySections(page);
    const charts = await page.locator('.chart').evaluateAll((all) =>
      all.map((chart) => {
        const described = chart.getAttribute('aria-describedby');
        const target = described ? document.getElementById(described) : null;
        return {
          chart: chart.getAttribute('data-testid'),
          role: chart.getAttribute('role'),
          name: chart.getAttribute('aria-label') ?? '',
          describedBy: target ? (target.querySelector('table') ?? target).tagName : null,
        };
      }),
    );
    expect(charts.length).toBeGreaterThan(10);
    for (const c of charts) {
      expect(c.role, `${c.chart}`).toBe('img');
      expect(c.name, `${c.chart}`).not.toMatch(/^$|not drawn yet/);
      if (c.chart?.startsWith('chart-')) expect(c.describedBy, `${c.chart} is described by its table`).toBe('TABLE');
    }
    await page.close();
  });

  it('the keyboard reaches σ sliders, Run, exports, table regions and the layer picker, each with a visible focus ring', async () => {
    const { page } = await openLab(env.browser, url(), { width: 1280, height: 800 });
    await waitForRun(page);
    await drawLazySections(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    const reached = new Set<string>();
    const unringed: string[] = [];
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const f = document.activeElement as HTMLElement;
        const style = getComputedStyle(f);
        return {
          name: f.dataset.testid || f.id || f.getAttribute('aria-label') || f.tagName,
          label: f.getAttribute('aria-label') ?? '',
          ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        };
      });
      if (focused.name === 'BODY') continue; // past the last element, before the first again
      reached.add(focused.name);
      if (focused.label.startsWith('σ of series 1')) reached.add('σ slider');
      if (!focused.ring) unringed.push(focused.name);
    }
    for (const expected of [
      'toggle-controls',
      'toggle-lecture',
      'σ slider',
      'run-button',
      'export-png-seed-pre',
      'export-csv-seed',
      'export-json-seed',
      'numbers-seed-pre',
      'histogram-layer',
      'histogram-series',
    ])
      expect(reached, expected).toContain(expected);
    expect(unringed).toEqual([]);

    const slider = page.getByRole('slider', { name: 'σ of series 1, on a log scale' });
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.evaluate(() => location.search)).toContain('sigma=0.0000102;');
    expect(await slider.getAttribute('aria-valuetext')).toBe('σ = 0.0000102');

    await page.getByTestId('histogram-layer').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('.histogram-picker .layer-value').textContent()).toBe('2');

    await page.getByTestId('export-csv-seed').focus();
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(download.suggestedFilename()).toBe('initlab-seed.csv');

    const runs = await page.evaluate(() => (window as unknown as { initlab: { runs: number } }).initlab.runs);
    await page.getByTestId('run-button').focus();
    await page.keyboard.press('Enter');
    await waitForRun(page, ['seed'], runs + 1);
    await page.close();
  });

  it('in lecture mode Space presses the focused button, and the arrow keys still turn the slides', async () => {
    const { page } = await openLab(env.browser, url(), { width: 1280, height: 720 });
    await waitForRun(page);
    await page.getByTestId('toggle-lecture').focus();
    await page.keyboard.press('Space');
    expect(await page.evaluate(() => document.body.classList.contains('lecture'))).toBe(true);
    expect(await page.getByTestId('toggle-lecture').getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('main > section.current').getAttribute('id')).toBe('hiking');
    await page.keyboard.press('Space');
    expect(await page.evaluate(() => document.body.classList.contains('lecture'))).toBe(false);
    await page.close();
  });
});
