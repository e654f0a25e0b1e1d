import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { parseConfig } from '../../src/lab/config';
import { type InitSpec, initLabel } from '../../src/lab/initializers';
import { trainToEnd } from '../../src/lab/training';
import { TRAIN_CSV_COLUMNS } from '../../src/lab/trainResults';
import { openLab, readDownload, useLab } from './labServer';
import {
  click,
  expectCurvesAre,
  expectDivergedMarked,
  openTraining,
  outcomeRows,
  type PageTraining,
  smallTrain,
  waitForTraining,
} from './trainingPage';

/**
 * The CPU worker trains with the same float64 code as Node; the two V8s may differ in the last bit of Math.log and
 * Math.cos (Box–Muller), ~1e-16, which 40 updates of an 8-layer network grew to 2e-14 (measured, worst figure).
 * 1e-9 leaves room for that and nothing else: another seed, minibatch or update rule moves a loss by >1e-3 in 5 steps.
 */
const CROSS_RUNTIME_RELATIVE_TOLERANCE = 1e-9;

const SEED_LABELS = ['σ = 1e-5', 'σ = 1e-3', 'σ = 0.01', 'σ = 0.1', 'σ = 0.5'];

const status = (page: Page) => page.getByTestId('training-status').textContent();

interface Spreads {
  label: string;
  spreads: { layer: number; weights: number; bias: number; activations: number }[];
}

/** Symmetry, trained: the constant start's hidden units are measured identical, He normal's measured apart. */
async function expectTrainedSymmetry(page: Page): Promise<void> {
  await page.waitForFunction(
    () => 'trained-symmetry' in (window as unknown as { initlab: { drawings: object } }).initlab.drawings,
    null,
    { timeout: 170_000 },
  );
  const { series } = await page.evaluate(
    () =>
      (window as unknown as { initlab: { drawings: Record<string, { series: Spreads[] }> } }).initlab.drawings[
        'trained-symmetry'
      ],
  );
  expect(series.map((s) => s.label)).toEqual(['constant 0.2', 'He normal']);
  const largest = (s: Spreads) => Math.max(...s.spreads.flatMap((p) => [p.weights, p.bias, p.activations]));
  expect(largest(series[0])).toBe(0);
  expect(largest(series[1])).toBeGreaterThan(0.01);
  expect(await page.getByTestId('trained-symmetry-0').locator('h3').textContent()).toContain(
    'every hidden unit still identical',
  );
}

/** Every figure of `page` within `tolerance` relative of Node's uninterrupted run, and the same outcomes. */
function expectSameRun(page: PageTraining, node: PageTraining, tolerance: number): void {
  expect(page.series.map((s) => [s.label, s.outcome])).toEqual(node.series.map((s) => [s.label, s.outcome]));
  page.series.forEach((s, i) => {
    expect(s.history.map((e) => e.step)).toEqual(node.series[i].history.map((e) => e.step));
    s.history.forEach((e, t) => {
      const expected = node.series[i].history[t];
      for (const key of ['trainLoss', 'testLoss'] as const)
        expect(Math.abs(e[key] - expected[key]), `${s.label} ${key} at ${e.step}`).toBeLessThanOrEqual(
          tolerance * Math.abs(expected[key]),
        );
      e.layers.forEach((l, k) => {
        const want = expected.layers[k].pre.meanSq;
        expect(Math.abs(l.pre.meanSq - want), `${s.label} E[Z²] of layer ${k + 1} at ${e.step}`).toBeLessThanOrEqual(
          tolerance * want,
        );
      });
    });
  });
}

async function expectExports(page: Page, shown: PageTraining): Promise<object> {
  const download = async (testid: string, encoding: BufferEncoding = 'utf8') => {
    const [file] = await Promise.all([page.waitForEvent('download'), click(page, testid)]);
    return readDownload(file, encoding);
  };
  const json = JSON.parse(await download('export-json-training'));
  expect(json.config).toEqual(shown.config);
  expect(json.series).toEqual(shown.series.map((s) => expect.objectContaining(s)));
  const [header, ...rows] = (await download('export-csv-training')).trim().split('\n');
  expect(header.split(',')).toEqual([...TRAIN_CSV_COLUMNS]);
  expect(rows).toHaveLength(shown.series.reduce((n, s) => n + s.history.length * s.history[0].layers.length, 0));
  for (const testid of ['export-png-training-loss', 'export-png-training-regions', 'export-png-training-pre']) {
    const bytes = Buffer.from(await download(testid, 'latin1'), 'latin1');
    expect([...bytes.subarray(0, 4)], testid).toEqual([0x89, 0x50, 0x4e, 0x47]);
  }
  return json;
}

interface Regions {
  panels: { label: string; step: number; classes: number[] | null }[];
}

/** The decision regions once every panel shows the network after `step` updates (drawn after the evaluation). */
async function drawnRegions(page: Page, step: number): Promise<Regions> {
  const read = () =>
    page.evaluate(
      () =>
        (window as unknown as { initlab: { drawings: Record<string, Regions | undefined> } }).initlab.drawings[
          'training-regions'
        ],
    );
  await expect.poll(async () => (await read())?.panels.every((p) => p.step === step), { timeout: 60_000 }).toBe(true);
  return (await read())!;
}

describe('the training section', () => {
  const env = useLab();

  it("trains the seed sweep on the CPU engine: step, pause and play give Node's uninterrupted run, σ = 0.5 diverges unplotted, reset starts over", async () => {
    const steps = 40;
    const { page, errors } = await openLab(env.browser, `${env.lab.url}?engine=cpu&${smallTrain(steps)}`);
    const start = await openTraining(page);
    expect(start.series.map((s) => s.label)).toEqual([...SEED_LABELS, 'He normal']);
    await click(page, 'training-step');
    await waitForTraining(page, 'ready', 5);
    expect(await status(page)).toContain('Paused at step 5 of 40');
    await click(page, 'training-play');
    await click(page, 'training-play');
    const paused = await waitForTraining(page, 'ready');
    expect(paused.step).toBeLessThan(steps);
    await page.waitForTimeout(1000);
    expect((await waitForTraining(page, 'ready')).step).toBe(paused.step);
    await click(page, 'training-play');
    const shown = await waitForTraining(page, 'finished', steps);
    const node = await trainToEnd(new CpuEngine(), (parseConfig(shown.config) as { ok: true; config: never }).config);
    expectSameRun(shown, node as unknown as PageTraining, CROSS_RUNTIME_RELATIVE_TOLERANCE);
    await expectCurvesAre(page, shown);
    expect(await expectDivergedMarked(page, shown)).toBeGreaterThan(0);
    expect((await outcomeRows(page))['σ = 1e-5'][0]).toBe('stalled');
    await expectTrainedSymmetry(page);
    await expectExports(page, shown);
    await click(page, 'training-reset');
    const reset = await waitForTraining(page, 'ready', 0);
    expect(reset.series.every((s) => s.history.length === 1)).toBe(true);
    await expectCurvesAre(page, reset);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('trains an initializer sweep on the GPU with the CPU reference beside it (engine both): they agree, and the charts are the JSON', async () => {
    const inits: InitSpec[] = [{ kind: 'xavier-normal' }, { kind: 'he-normal' }, { kind: 'normal', sigma: 0.5 }];
    const sweep = 'sweep=xavier-normal;he-normal;normal:sigma=0.5';
    const { page, errors } = await openLab(
      env.browser,
      `${env.lab.url}?engine=both&depth=4&${sweep}&${smallTrain(20)}`,
    );
    const start = await openTraining(page);
    expect(start.engine).toBe('gpu');
    expect(start.series.map((s) => s.label)).toEqual(inits.map(initLabel));
    await click(page, 'training-play');
    const shown = await waitForTraining(page, 'finished', 20);
    await expectCurvesAre(page, shown);
    await expectDivergedMarked(page, shown);
    const verdict = await page.getByTestId('training-verdict').textContent();
    expect(verdict).toMatch(/^GPU and CPU agree/);
    const exported = (await expectExports(page, shown)) as { reference: PageTraining; comparison: object };
    expect(exported.reference.engine).toBe('cpu');
    expect(exported.reference.series.map((s) => s.outcome)).toEqual(shown.series.map((s) => s.outcome));
    await expectTrainedSymmetry(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('trains the seed sweep on the GPU engine: the charts are its JSON, σ = 0.5 diverges unplotted', async () => {
    const { page, errors } = await openLab(env.browser, `${env.lab.url}?engine=gpu&${smallTrain(20)}`);
    await openTraining(page);
    await click(page, 'training-step');
    const stepped = await waitForTraining(page, 'ready', 5);
    expect(stepped.engine).toBe('gpu');
    await expectCurvesAre(page, stepped);
    await click(page, 'training-play');
    const shown = await waitForTraining(page, 'finished', 20);
    await expectCurvesAre(page, shown);
    expect(await expectDivergedMarked(page, shown)).toBeGreaterThan(0);
    const regions = await drawnRegions(page, shown.step);
    regions.panels.forEach((p, i) => {
      expect(p.classes === null, p.label).toBe(shown.series[i].outcome.status === 'diverged');
    });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the training controls write the URL, a bad value is said beside them, and the section's own settings come back", async () => {
    const { page, errors } = await openLab(env.browser, `${env.lab.url}?engine=cpu`);
    const trainParams = () => [...new URL(page.url()).searchParams.keys()].filter((k) => k.startsWith('train.'));
    const trainsBatch = (batch: number) =>
      page.waitForFunction(
        (batch) =>
          (window as unknown as { initlab: { drawings: { training?: { config: { train: { batch: number } } } } } })
            .initlab.drawings.training?.config.train.batch === batch,
        batch,
      );
    await openTraining(page);
    expect(trainParams()).toEqual([]);
    await page.getByTestId('train-batch').fill('0');
    expect(await page.getByTestId('train-errors').textContent()).toMatch(/^train\.batch = 0: an integer from 1 to /);
    expect(trainParams()).toEqual([]);
    await page.getByTestId('train-batch').fill('16');
    await expect.poll(() => new URL(page.url()).searchParams.get('train.batch')).toBe('16');
    expect(await page.getByTestId('train-errors').textContent()).toBe('');
    await trainsBatch(16);
    await page.goto(page.url());
    await page.locator('#training-figure').scrollIntoViewIfNeeded();
    await trainsBatch(16);
    expect(await page.getByTestId('train-batch').inputValue()).toBe('16');
    await click(page, 'training-own-settings');
    await expect.poll(trainParams).toEqual([]);
    await trainsBatch(32);
    expect(errors).toEqual([]);
    await page.close();
  });
});
