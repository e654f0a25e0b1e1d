/**
 * The width section in the browser: its charts are the engine's coordinate check drawn as it is, the GPU's agreeing
 * with the float64 CPU trainer within the trainer's tolerances; each legend's slope is the fit of the points it labels;
 * the standard readout grows with width where μP's does not; the transfer's points are the trainings' losses; its
 * table is parametrization.ts's; its settings live in the URL. Small widths and few steps: SwiftShader is slow.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { compareTraining } from '../../src/lab/compareTraining';
import { defaultConfig } from '../../src/lab/config';
import { coordinateCheck, fitSlope } from '../../src/lab/coordCheck';
import { lrCurves } from '../../src/lab/lrTransfer';
import { parametrizationRows } from '../../src/lab/parametrization';
import { type TrainResult, type TrainSeries, trainToEnd } from '../../src/lab/training';
import { slopeText } from '../../src/ui/widthSentences';
import { coordConfig, DEFAULT_WIDTH_SETTINGS, type WidthSettings } from '../../src/ui/widthSettings';
import { chartSnapshot, openLab, useLab } from './labServer';

const COORD_WIDTHS = [32, 64, 128];
const SETTINGS: WidthSettings = {
  ...DEFAULT_WIDTH_SETTINGS,
  coord: { ...DEFAULT_WIDTH_SETTINGS.coord, widths: COORD_WIDTHS },
  transfer: { ...DEFAULT_WIDTH_SETTINGS.transfer, widths: [16, 32], lrs: [0.001, 0.01, 0.1], steps: 5 },
};
const QUERY =
  '&scaling.coordWidths=32,64,128&scaling.transferWidths=16,32&scaling.transferLrs=0.001,0.01,0.1&scaling.transferSteps=5';
const KINDS = ['standard', 'mup'] as const;

interface PageResult {
  config: object;
  engine: string;
  series: TrainSeries[];
}

const results = (page: Page) =>
  page.evaluate(() => (window as unknown as { initlab: { results: Record<string, PageResult> } }).initlab.results);

/** Scrolls to the section and waits for the job's results, pressing its button if it waits for it. */
async function measure(page: Page, job: 'coord' | 'transfer'): Promise<Record<string, PageResult>> {
  await page.locator('#width-coord-figure').scrollIntoViewIfNeeded();
  const status = page.getByTestId('width-status');
  if (job === 'transfer') await page.getByTestId('width-run-transfer').click();
  else {
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(/Running|press Run|done/);
    if ((await status.textContent())?.includes('press Run')) await page.getByTestId('width-run-coord').click();
  }
  const ids = KINDS.map((k) => `width-${job}-${k}`);
  await page.waitForFunction(
    (ids) => {
      const lab = (window as unknown as { initlab: { results: Record<string, unknown> } }).initlab;
      return ids.every((id) => id in lab.results);
    },
    ids,
    { timeout: 170_000 },
  );
  return results(page);
}

/** The slope a legend entry states, as the text it is written in. */
const legendSlope = (label: string) => /slope (\S+ ± \S+|\S+)$/.exec(label)?.[1];

describe('the width section', () => {
  const env = useLab();

  it('draws the GPU coordinate check as measured, which the float64 CPU trainer reproduces, on the page and here; SP’s readout grows, μP’s does not', async () => {
    // Engine "both": the page draws the GPU's check and judges it against the CPU worker's float64 one.
    const { page, errors } = await openLab(env.browser, `${env.lab.url}?engine=both${QUERY}`);
    const found = await measure(page, 'coord');
    const readoutSlopes: Record<string, number> = {};
    for (const kind of KINDS) {
      const result = found[`width-coord-${kind}`];
      expect(result.engine).toBe('gpu');
      const pre = coordinateCheck(result.series, 'pre', 'meanAbs')[0];
      const delta = coordinateCheck(result.series, 'delta', 'meanAbs')[0];
      expect(pre.panels.map((p) => p.step)).toEqual([0, 1, 2, 3]);
      for (const step of [0, 1, 2, 3]) {
        const chart = await chartSnapshot(page, `coord-${kind}-${step}`);
        const panel = (step === 0 ? pre : delta).panels[step];
        expect(chart.data[0]).toEqual(COORD_WIDTHS);
        const plotted = panel.lines.map((l) => l.sizes.map((v) => (Number.isFinite(v) && v > 0 ? v : null)));
        expect(chart.data.slice(1)).toEqual(plotted);
        for (const [i, label] of chart.labels.entries()) {
          const values = chart.data[i + 1];
          const held = COORD_WIDTHS.flatMap((w, j) => (values[j] === null ? [] : [[w, values[j] as number]]));
          // A line 0 at every width (the readout at step 0, started at 0) has no slope, and its key says why.
          if (held.length < 2) {
            expect(label).toMatch(/exactly 0 at every width|fewer than 2 widths/);
            continue;
          }
          const fit = fitSlope(
            held.map(([w]) => w),
            held.map(([, v]) => v),
          );
          expect(legendSlope(label), label).toBe(slopeText(fit));
        }
      }
      readoutSlopes[kind] = delta.panels[1].lines[SETTINGS.depth].fit!.slope;
      const reference = await trainToEnd(new CpuEngine(), coordConfig(SETTINGS, defaultConfig(), kind));
      const candidate = { ...result, config: reference.config } as unknown as TrainResult;
      const comparison = compareTraining(reference, candidate);
      expect(comparison.failures, kind).toEqual([]);
      // With the readout started at 0 the hidden layers' first gradients cancel to rounding: not comparable, not failed.
      expect(comparison.verdict, kind).toBe('agree-where-held');
      expect(
        comparison.notComparable.every((n) => /below float32's resolution/.test(n.reason)),
        kind,
      ).toBe(true);
    }
    expect(readoutSlopes.standard).toBeGreaterThan(readoutSlopes.mup);
    expect(await page.getByTestId('width-coord-reference').textContent()).toMatch(
      /^Against the float64 CPU trainer on the same networks: the standard parametrization agrees where both hold: all \d+ figures within 0\.0001 relative; \d+ not comparable \(.*\)\. μP agrees where both hold: .*\.$/,
    );
    const table = await page
      .getByTestId('parametrization-table')
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
    expect(table).toEqual(parametrizationRows().rows);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws the learning-rate transfer’s losses and best learning rates, and keeps its settings and view in the URL', async () => {
    const { page, errors } = await openLab(env.browser, `${env.lab.url}?engine=cpu${QUERY}`);
    await measure(page, 'coord');
    const found = await measure(page, 'transfer');
    for (const kind of KINDS) {
      const result = found[`width-transfer-${kind}`];
      const curves = lrCurves(result.series, SETTINGS.transfer.steps);
      const chart = await chartSnapshot(page, `transfer-${kind}`);
      expect(chart.data[0]).toEqual(SETTINGS.transfer.lrs);
      expect(chart.data.slice(1)).toEqual(curves.map((c) => c.points.map((p) => p.loss)));
      expect(chart.labels).toEqual(curves.map((c) => `n = ${c.width} · best lr ${c.best}`));
    }
    await expect
      .poll(() => page.getByTestId('width-transfer').textContent())
      .toMatch(/^After 5 steps, in the standard/);
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-png-transfer-mup').click(),
    ]);
    expect(png.suggestedFilename()).toBe('initlab-transfer-mup.png');
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-json-width-transfer').click(),
    ]);
    expect(json.suggestedFilename()).toBe('initlab-width-transfer.json');
    const exported = JSON.parse(readFileSync((await json.path())!, 'utf8')) as { series: unknown[] }[];
    expect(exported.map((r) => r.series)).toEqual(KINDS.map((k) => found[`width-transfer-${k}`].series));
    // A view redraws the same results: a run again would register new ones, with their own timings.
    const timing = async () => ((await results(page))['width-coord-mup'] as unknown as { timings: object }).timings;
    const before = await timing();
    await page.getByTestId('width-quantity').selectOption('pre');
    const redrawn = await chartSnapshot(page, 'coord-mup-2');
    expect((redrawn as unknown as { title: string }).title).toBe('μP, step 2: mean |x| of Z');
    expect(await timing()).toEqual(before);
    expect(new URL(page.url()).searchParams.get('scaling.quantity')).toBe('pre');
    expect(new URL(page.url()).searchParams.get('scaling.transferLrs')).toBe('0.001,0.01,0.1');
    await page.getByTestId('width-coordSteps').fill('20');
    await page.getByTestId('width-coordSteps').dispatchEvent('change');
    await expect
      .poll(() => page.getByTestId('width-errors').textContent())
      .toBe(
        'coordinate check: steps = 20: an integer from 1 to 8: a panel per step, and the check looks at the first few updates',
      );
    expect(errors).toEqual([]);
    await page.close();
  });
});
