import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { defaultConfig, type ExperimentConfig, parseConfig } from '../../src/lab/config';
import { type LayerStats, resultJson } from '../../src/lab/results';
import { chartSnapshot, openLab, readDownload, useLab, waitForRun } from './labServer';

/** The GPU engine's guarantee against the float64 reference (src/lab/compare.ts DEFAULT_TOLERANCES.statistic). */
const GPU_RELATIVE_TOLERANCE = 1e-4;
/**
 * The same float64 code in Node's V8 and in Chromium's V8: ECMAScript leaves Math.log and Math.cos (Box–Muller)
 * implementation-approximated, so a weight can differ in its last bit, ~1e-16, grown to ~1e-15 by 8 layers of sums.
 * 1e-12 allows that and nothing else: any real difference (another seed, σ, stream or row) moves values by >1e-3.
 */
const CROSS_RUNTIME_RELATIVE_TOLERANCE = 1e-12;

const engineUsed = (page: Page) =>
  page.evaluate(() => (window as unknown as { initlab: { engine: string } }).initlab.engine);

/** The chart's series must be the reference engine's per-layer variances, computed here in Node as the CLI does. */
async function expectChartMatchesCpu(page: Page, config: ExperimentConfig): Promise<void> {
  const reference = await new CpuEngine().run(config);
  const gpu = (await engineUsed(page)) !== 'cpu';
  for (const quantity of ['pre', 'post'] as const) {
    const snapshot = await chartSnapshot(page, `seed-${quantity}`);
    expect(snapshot.labels).toEqual(reference.series.map((s) => s.label));
    expect(snapshot.data[0]).toEqual(reference.series[0].layers.map((l) => l.layer));
    reference.series.forEach((s, i) => {
      const plotted = snapshot.data[1 + i * (config.trials > 1 ? 3 : 1)];
      const expected = s.layers.map((l) => l[quantity].var);
      const tolerance = gpu ? GPU_RELATIVE_TOLERANCE : CROSS_RUNTIME_RELATIVE_TOLERANCE;
      expect(plotted).toHaveLength(expected.length);
      plotted.forEach((v, k) => {
        expect(Math.abs(v! - expected[k]) / expected[k], `${s.label}, layer ${k + 1}`).toBeLessThanOrEqual(tolerance);
      });
    });
  }
}

function configOf(query: string): ExperimentConfig {
  const params = new URLSearchParams(query);
  const sweep = params
    .get('sweep')!
    .split(';')
    .map((item) => {
      const [kind, rest = ''] = item.split(':');
      return Object.fromEntries([
        ['kind', kind],
        ...rest
          .split(',')
          .filter(Boolean)
          .map((p) => {
            const [k, v] = p.split('=');
            return [k, Number(v)];
          }),
      ]);
    });
  const input = params.get('input')!;
  const [distribution, rest] = input.split(':');
  const raw = {
    seed: Number(params.get('seed')),
    trials: Number(params.get('trials')),
    depth: Number(params.get('depth')),
    width: Number(params.get('width')),
    sweep,
    input: rest
      ? {
          distribution,
          ...Object.fromEntries(
            rest.split(',').map((p) => {
              const [k, v] = p.split('=');
              return [k, Number(v)];
            }),
          ),
        }
      : { values: input.split(',').map(Number) },
  };
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}

describe('the lab page', () => {
  const env = useLab();

  it("loads without console errors and charts five σ series of eight layers equal to the CPU engine's numbers", async () => {
    const { page, errors } = await openLab(env.browser, env.lab.url);
    await waitForRun(page);
    const pre = await chartSnapshot(page, 'seed-pre');
    expect(pre.labels).toHaveLength(5);
    expect(pre.data.slice(1).every((series) => series.length === 8)).toBe(true);
    await expectChartMatchesCpu(page, defaultConfig());
    expect(errors).toEqual([]);
    await page.close();
  });

  it('moving a σ slider redraws the chart with the new σ and writes it into the URL', async () => {
    const { page, errors } = await openLab(env.browser, env.lab.url);
    await waitForRun(page);
    const before = await page.evaluate(() => (window as unknown as { initlab: { runs: number } }).initlab.runs);
    await page
      .locator('[data-testid="sigma-row"] input[type="range"]')
      .last()
      .evaluate((slider: HTMLInputElement) => {
        slider.value = '-1.5';
        slider.dispatchEvent(new Event('input', { bubbles: true }));
      });
    await waitForRun(page, ['seed'], before + 5);
    expect(decodeURIComponent(page.url())).toContain('normal:sigma=0.0316');
    const labels = (await chartSnapshot(page, 'seed-pre')).labels;
    expect(labels.at(-1)).toBe('σ = 0.0316');
    await expectChartMatchesCpu(page, configOf(new URL(page.url()).search));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a shared link reproduces its config and numbers, trials band included', async () => {
    const query =
      '?seed=7&trials=3&depth=5&width=20&input=normal:batch=16,width=6&sweep=normal:sigma=0.3;he-normal;xavier-uniform';
    const { page, errors } = await openLab(env.browser, env.lab.url + query);
    await waitForRun(page);
    const config = configOf(query);
    await expectChartMatchesCpu(page, config);
    const snapshot = await chartSnapshot(page, 'seed-pre');
    expect(snapshot.data).toHaveLength(1 + 3 * 3);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a bad URL value is reported with field, value and allowed range, and the rest of the link still applies', async () => {
    const { page } = await openLab(env.browser, `${env.lab.url}?depth=abc&width=12&activation=%3Cimg%20src%3Dx%3E`);
    await waitForRun(page);
    const message = await page.getByTestId('url-problems').textContent();
    expect(message).toContain('depth = "abc": an integer from 1 to 1000');
    expect(message).toContain('using the default depth = 8');
    expect(message).toContain('activation = "<img src=x>"');
    expect(await page.locator('[data-testid="url-problems"] img').count()).toBe(0);
    await expectChartMatchesCpu(page, { ...defaultConfig(), width: 12 });
    await page.close();
  });

  it('engine "both" runs the GPU and the CPU and the panel reports agreement layer by layer', async () => {
    const { page, errors } = await openLab(env.browser, `${env.lab.url}?engine=both`);
    await waitForRun(page, ['seed', 'compare']);
    expect(await page.getByTestId('compare-verdict').textContent()).toMatch(/^Agree/);
    expect(await page.locator('[data-testid="compare-table"] tbody tr').count()).toBe(5 * 8);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lecture mode shows one section per screen and moves with the arrow keys', async () => {
    // The CPU engine: this test is about keys and layout, and SwiftShader's GPU runs are the slow part of the suite.
    const { page } = await openLab(env.browser, `${env.lab.url}?engine=cpu`, { width: 1280, height: 720 });
    await waitForRun(page);
    await page.keyboard.press('l');
    await expect
      .poll(() => page.evaluate(() => document.body.classList.contains('lecture')), { timeout: 5_000 })
      .toBe(true);
    const visible = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('main > section')]
          .filter((s) => getComputedStyle(s).display !== 'none')
          .map((s) => s.id),
      );
    expect(await visible()).toEqual(['why']);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await visible()).toEqual(['symmetry']);
    await page.keyboard.press('ArrowLeft');
    expect(await visible()).toEqual(['hiking']);
    await page.keyboard.press('c');
    expect(await page.getByTestId('control-host').isVisible()).toBe(false);
    await page.keyboard.press('l');
    expect((await visible()).length).toBeGreaterThan(5);
    await page.close();
  });

  it('the CSV export parses and holds the numbers of the table', async () => {
    const { page } = await openLab(env.browser, `${env.lab.url}?engine=cpu`);
    await waitForRun(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv-seed').click()]);
    const text = await readDownload(download);
    const [header, ...lines] = text.trim().split('\n');
    expect(header.split(',')).toEqual([
      'series',
      'layer',
      'quantity',
      'mean',
      'var',
      'meanSq',
      'minVar',
      'maxVar',
      'flags',
    ]);
    expect(lines).toHaveLength(5 * 8 * 2);
    for (const quantity of ['pre', 'post']) {
      const table = await page
        .getByTestId(`table-seed-${quantity}`)
        .evaluate((t) =>
          [...t.querySelectorAll('tbody tr')].map((row) =>
            [...row.querySelectorAll('td')].map((td) => Number(td.getAttribute('data-value'))),
          ),
        );
      const labels = await page
        .getByTestId(`table-seed-${quantity}`)
        .evaluate((t) => [...t.querySelectorAll('thead th')].slice(1).map((th) => th.textContent));
      for (const line of lines) {
        const cells = line.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ''));
        if (cells[2] !== quantity) continue;
        const column = labels.indexOf(JSON.parse(cells[0]));
        expect(Number(cells[4])).toBe(table[Number(cells[1]) - 1][column]);
      }
    }
    await page.close();
  });

  it("the JSON export is the terminal runner's JSON for the same config, and the PNG export is a picture of the chart", async () => {
    const { page } = await openLab(env.browser, `${env.lab.url}?engine=cpu`);
    await waitForRun(page);
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json-seed').click()]);
    const exported = JSON.parse(await readDownload(json));
    const cli = resultJson(await new CpuEngine().run(defaultConfig())) as typeof exported;
    expect(exported.config).toEqual(cli.config);
    expect(exported.engine).toBe('cpu');
    exported.series.forEach((s: { label: string; layers: LayerStats[] }, i: number) => {
      expect(s.label).toBe(cli.series[i].label);
      s.layers.forEach((l, k) => {
        for (const q of ['pre', 'post'] as const) {
          for (const m of ['mean', 'var', 'meanSq'] as const) {
            const expected = cli.series[i].layers[k][q][m];
            expect(Math.abs(l[q][m] - expected), `${s.label} layer ${k + 1} ${q}.${m}`).toBeLessThanOrEqual(
              CROSS_RUNTIME_RELATIVE_TOLERANCE * Math.abs(expected),
            );
          }
        }
      });
    });
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png-seed-pre').click()]);
    const bytes = Buffer.from(await readDownload(png, 'latin1'), 'latin1');
    // The PNG signature, then an image far larger than an empty canvas.
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.length).toBeGreaterThan(10_000);
    await page.close();
  });
});

describe('the lab page without WebGPU', () => {
  const env = useLab(false);

  it('says how to enable WebGPU and still draws the seed experiment on the CPU', async () => {
    const { page, errors } = await openLab(env.browser, env.lab.url);
    await waitForRun(page);
    const notice = page.getByTestId('engine-notice');
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toContain('--enable-unsafe-webgpu');
    expect(await engineUsed(page)).toBe('cpu');
    await expectChartMatchesCpu(page, defaultConfig());
    expect(errors).toEqual([]);
  });
});

describe('the lab page with values a log axis cannot show and with large experiments', () => {
  const env = useLab();

  it('an all-zero series is marked on the chart and written in the table, never plotted as a number', async () => {
    const { page } = await openLab(env.browser, `${env.lab.url}?engine=cpu&sweep=zeros;normal:sigma=0.5`);
    await waitForRun(page);
    const snapshot = await chartSnapshot(page, 'seed-pre');
    expect(snapshot.data[1]).toEqual(new Array(8).fill(null));
    const marks = await page.evaluate(
      () =>
        (window as unknown as { initlab: { charts: Record<string, { marks: { x: number; text: string }[] }> } }).initlab
          .charts['seed-pre'].marks,
    );
    expect(marks.map((m) => m.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(marks.every((m) => m.text === 'exactly 0')).toBe(true);
    const firstColumn = await page
      .getByTestId('table-seed-pre')
      .evaluate((t) => [...t.querySelectorAll('tbody tr td:first-of-type')].map((td) => td.textContent));
    expect(firstColumn).toEqual(new Array(8).fill('0'));
    await page.close();
  });

  it('a large experiment waits for Run, shows progress with time left, and Cancel stops it', async () => {
    const { page, errors } = await openLab(
      env.browser,
      `${env.lab.url}?engine=cpu&depth=40&width=1000&input=normal:batch=64,width=1000&sweep=he-normal`,
    );
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 }).toContain('press Run');
    await page.getByTestId('run-button').click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 }).toMatch(/left/);
    expect(await page.getByTestId('run-progress').isVisible()).toBe(true);
    await page.getByTestId('cancel-button').click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 10_000 }).toContain('Cancelled');
    expect(await page.evaluate(() => (window as unknown as { initlab: { runs: number } }).initlab.runs)).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
