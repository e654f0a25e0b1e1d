/**
 * "Which bad starts normalization rescues" on the page: Play trains the grid of rescueConfigs.ts on the CPU engine to
 * the outcomes Node's CPU trainer reaches, the charts plot exactly the registered histories (a diverged start's line
 * ending at its last finite entry), and the table and sentences are those the outcomes give; the JSON export is the run.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { defaultConfig } from '../../src/lab/config';
import { type TrainSnapshot, trainToEnd } from '../../src/lab/training';
import { RESCUE_NETWORKS, RESCUE_SHAPE, RESCUE_STARTS, rescueConfig } from '../../src/ui/rescueConfigs';
import { startCurves } from '../../src/ui/rescueCurves';
import { refusalLine, rescueSummary } from '../../src/ui/rescueSentences';
import { rescueRows } from '../../src/ui/rescueTable';
import { chartSnapshot, openLab, readDownload, useLab } from './labServer';

type Cell = Pick<TrainSnapshot['series'][number], 'label' | 'outcome' | 'history'>;

interface PageRescue {
  phase: string;
  refusals: { network: string; reason: string }[];
  networks: { id: string; engine: string; snapshot: TrainSnapshot | null }[];
}

/** The whole grid on a shared 2-core machine: ~35 s in the page's worker, and as long in Node for the reference. */
const GRID_TIMEOUT_MS = 300_000;

const read = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { initlab: { drawings: { rescue?: PageRescue } } }).initlab.drawings.rescue,
  );

async function waitForPhase(page: Page, phase: string): Promise<PageRescue> {
  await page.waitForFunction(
    (phase) =>
      (window as unknown as { initlab: { drawings: { rescue?: PageRescue } } }).initlab.drawings.rescue?.phase ===
      phase,
    phase,
    { timeout: GRID_TIMEOUT_MS },
  );
  return (await read(page))!;
}

/** On the section's lecture slide at 1280 × 720: the tables shown that scroll sideways, and the page's width. */
async function lectureSlide(page: Page): Promise<{ id: string | null; clipped: string[]; width: number }> {
  await page.keyboard.press('l');
  await page.keyboard.press('Home');
  const index = await page.locator('main > section').evaluateAll((all) => all.findIndex((s) => s.id === 'rescue'));
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowRight');
  return page.evaluate(() => {
    const section = document.querySelector<HTMLElement>('main > section.current')!;
    const clipped = [...section.querySelectorAll<HTMLElement>('table')]
      .filter((t) => t.offsetParent !== null)
      .filter((t) => {
        const wrap = t.closest<HTMLElement>('.table-wrap');
        return (
          (wrap && wrap.scrollWidth > wrap.clientWidth) ||
          t.getBoundingClientRect().right > section.getBoundingClientRect().right + 1
        );
      })
      .map((t) => t.dataset.testid ?? '');
    return { id: section.id, clipped, width: document.documentElement.scrollWidth };
  });
}

const tableRows = (page: Page) =>
  page
    .getByTestId('rescue-outcomes')
    .evaluate((t) =>
      [...t.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent!)),
    );

describe('which bad starts normalization rescues, on the page', () => {
  const env = useLab();

  it(
    'Play trains the grid to Node’s outcomes; charts, table and sentences are the run’s',
    async () => {
      const lecture = { width: 1280, height: 720 };
      const { page, errors } = await openLab(env.browser, `${env.lab.url}?engine=cpu&seed=1`, lecture);
      await page.locator('#rescue-figure').scrollIntoViewIfNeeded();
      await expect
        .poll(() => page.getByTestId('rescue-status').textContent())
        .toMatch(
          /^Press Play to train 9 networks \(\d\.\de\+\d+ multiply–adds, about [\d.]+ (ms|s|min)\) on the CPU engine\.$/,
        );
      await page.getByTestId('rescue-play').click();
      // Node's reference trains while the page's worker does, in another process.
      const engine = new CpuEngine();
      const node = [];
      for (const network of RESCUE_NETWORKS)
        node.push(await trainToEnd(engine, rescueConfig(defaultConfig(), network)));
      const shown = await waitForPhase(page, 'finished');
      const runs = shown.networks.map((n) => n.snapshot!);
      expect(shown.networks.map((n) => [n.id, n.engine])).toEqual(RESCUE_NETWORKS.map((n) => [n.id, 'cpu']));
      expect(await page.getByTestId('rescue-engine').textContent()).toBe('');
      for (const [n, network] of RESCUE_NETWORKS.entries())
        expect(
          runs[n].series.map((s) => [s.label, s.outcome]),
          network.id,
        ).toEqual(node[n].series.map((s) => [s.label, s.outcome]));
      for (const [s, start] of RESCUE_STARTS.entries()) {
        const chart = await chartSnapshot(page, `rescue-loss-${start.id}`);
        const expected = startCurves(runs, s);
        expect(chart.data).toEqual([expected.x, ...expected.lines.map((l) => l.values)]);
        expect(chart.labels).toEqual(expected.lines.map((l) => l.label));
        expect((chart.marks ?? []).map((m) => m.text)).toEqual(expected.marks.map((m) => m.text));
      }
      // The plain network diverges from σ = 1 in the measured runs: its lines end, marked, before the divergence.
      const diverged = runs[0].series[2];
      expect(diverged.outcome.status).toBe('diverged');
      expect(diverged.history.every((e) => e.step < diverged.outcome.step!)).toBe(true);
      expect(await tableRows(page)).toEqual(rescueRows(runs));
      const summary = await page.getByTestId('rescue-summary').textContent();
      expect(summary).toBe(rescueSummary(runs, RESCUE_SHAPE.depth));
      expect(summary).toContain('Normalization does not rescue σ = 0.01');
      expect(summary).toContain('Normalization rescues σ = 1');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('export-json-rescue').click(),
      ]);
      const json = JSON.parse(await readDownload(download)) as { networks: { network: string; series: Cell[] }[] };
      expect(json.networks.map((n) => n.network)).toEqual(RESCUE_NETWORKS.map((n) => n.label));
      const cells = (series: Cell[]) => series.map(({ label, outcome, history }) => ({ label, outcome, history }));
      expect(json.networks.map((n) => cells(n.series))).toEqual(runs.map((r) => cells(r.series)));
      const { violations } = await new AxeBuilder({ page }).include('#rescue').analyze();
      expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
      expect(await lectureSlide(page)).toEqual({ id: 'rescue', clipped: [], width: lecture.width });
      expect(errors).toEqual([]);
      await page.close();
    },
    GRID_TIMEOUT_MS,
  );

  it(
    'on the GPU engine Play trains there and Cancel stops it: what is drawn is the run so far, the rest said untrained',
    async () => {
      const { page, errors } = await openLab(env.browser, `${env.lab.url}?engine=gpu&seed=1`);
      await page.locator('#rescue-figure').scrollIntoViewIfNeeded();
      await expect.poll(() => page.getByTestId('rescue-status').textContent()).toMatch(/on the GPU engine\.$/);
      await page.getByTestId('rescue-play').click();
      // SwiftShader trains the whole grid in minutes: the plain network's first evaluations are enough here.
      await page.waitForFunction(
        () =>
          ((window as unknown as { initlab: { drawings: { rescue?: PageRescue } } }).initlab.drawings.rescue
            ?.networks[0].snapshot?.step ?? 0) >= 20,
        null,
        { timeout: GRID_TIMEOUT_MS },
      );
      await page.getByTestId('rescue-cancel').click();
      const shown = await waitForPhase(page, 'cancelled');
      expect(await page.getByTestId('rescue-status').textContent()).toBe(
        'Cancelled. Press Play to train the grid again.',
      );
      expect(shown.networks[0].engine).toBe('gpu');
      const refused = new Set(shown.refusals.map((r) => r.network));
      expect(await page.getByTestId('rescue-engine').textContent()).toBe(refusalLine(shown.refusals, 'cpu'));
      expect(shown.networks.map((n) => n.engine)).toEqual(
        RESCUE_NETWORKS.map((n) => (refused.has(n.label) ? 'cpu' : 'gpu')),
      );
      const runs = shown.networks.map((n) => n.snapshot ?? undefined);
      expect(runs[2]).toBeUndefined();
      expect(await tableRows(page)).toEqual(rescueRows(runs));
      expect(rescueRows(runs).at(-1)![1]).toBe('not trained yet');
      const chart = await chartSnapshot(page, 'rescue-loss-small');
      const expected = startCurves(runs, 0);
      expect(chart.data).toEqual([expected.x, ...expected.lines.map((l) => l.values)]);
      expect(await page.getByTestId('rescue-summary').textContent()).toBe('');
      await page.waitForTimeout(1000);
      expect((await read(page))!.networks.map((n) => n.snapshot?.step)).toEqual(
        shown.networks.map((n) => n.snapshot?.step),
      );
      expect(errors).toEqual([]);
      await page.close();
    },
    GRID_TIMEOUT_MS,
  );
});
