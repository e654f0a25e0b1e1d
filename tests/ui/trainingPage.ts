/** Driving the training section in the e2e tests: its state on window.initlab, its buttons, its charts against a run. */
import type { Page } from 'playwright';
import { expect } from 'vitest';
import type { TrainHistoryEntry, TrainOutcome } from '../../src/lab/training';
import { chartSnapshot } from './labServer';

/** A small run SwiftShader trains in seconds: `steps` SGD steps on 200 spiral points, an evaluation every 5. */
export const smallTrain = (steps: number) =>
  `train.steps=${steps}&train.evalEvery=5&train.dataset=spirals:size=200,noise=0.05,test=0.2` +
  '&train.optimizer=sgd:lr=0.02,momentum=0.9';

/** What the section registers (window.initlab.drawings.training): the player's phase and the trainResult JSON. */
export interface PageTraining {
  phase: string;
  config: object;
  engine: 'cpu' | 'gpu';
  step: number;
  finished: boolean;
  series: { label: string; outcome: TrainOutcome; history: TrainHistoryEntry[] }[];
}

export const pageTraining = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { initlab: { drawings: { training?: PageTraining } } }).initlab.drawings.training,
  );

/** Waits until the section's registered state passes `ready` (its phase, its step). */
export async function waitForTraining(page: Page, phase: string, step?: number): Promise<PageTraining> {
  await page.waitForFunction(
    ({ phase, step }) => {
      const t = (window as unknown as { initlab: { drawings: { training?: PageTraining } } }).initlab.drawings.training;
      return !!t && t.phase === phase && (step === undefined || t.step === step);
    },
    { phase, step },
    { timeout: 170_000 },
  );
  return (await pageTraining(page))!;
}

/** Brings the section into view, which builds its networks, and waits for the entry at step 0. */
export async function openTraining(page: Page): Promise<PageTraining> {
  await page.locator('#training-figure').scrollIntoViewIfNeeded();
  return waitForTraining(page, 'ready', 0);
}

export const click = (page: Page, testid: string) => page.getByTestId(testid).click();

/**
 * The loss and accuracy charts plot exactly the history of `result`: per series its train then test line, each the
 * entry's figure at the entry's step and nothing (null) at steps the series has no entry for — so a diverged series'
 * lines end at its last finite entry.
 */
export async function expectCurvesAre(page: Page, result: Pick<PageTraining, 'series'>): Promise<void> {
  for (const [id, train, test] of [
    ['training-loss', 'trainLoss', 'testLoss'],
    ['training-accuracy', 'trainAccuracy', 'testAccuracy'],
  ] as const) {
    const chart = await chartSnapshot(page, id);
    const [x, ...lines] = chart.data;
    expect(chart.labels).toEqual(result.series.flatMap((s) => [`${s.label} train`, `${s.label} test`]));
    result.series.forEach((s, i) => {
      const at = new Map(s.history.map((e) => [e.step, e]));
      const expected = (key: typeof train | typeof test) => x.map((step) => at.get(step as number)?.[key] ?? null);
      expect(lines[2 * i], `${id}: ${s.label} train`).toEqual(expected(train));
      expect(lines[2 * i + 1], `${id}: ${s.label} test`).toEqual(expected(test));
    });
  }
}

/** The outcome table: per series label, its cells (outcome, steps to target, losses, accuracies). */
export const outcomeRows = (page: Page): Promise<Record<string, string[]>> =>
  page
    .getByTestId('training-outcomes')
    .evaluate((t) =>
      Object.fromEntries(
        [...t.querySelectorAll('tbody tr')].map((r) => [
          r.querySelector('th')!.textContent!,
          [...r.querySelectorAll('td')].map((d) => d.textContent!),
        ]),
      ),
    );

/** A diverged series: no entry past its last finite one on any chart, a mark saying where, and the table saying so. */
export async function expectDivergedMarked(page: Page, result: PageTraining): Promise<number> {
  const diverged = result.series.filter((s) => s.outcome.status === 'diverged');
  const loss = await chartSnapshot(page, 'training-loss');
  for (const s of diverged) {
    const k = s.outcome.step!;
    expect(s.history.every((e) => e.step < k && Number.isFinite(e.trainLoss))).toBe(true);
    const i = result.series.indexOf(s);
    const after = loss.data[0].flatMap((step, j) => ((step as number) >= k ? [loss.data[1 + 2 * i][j]] : []));
    expect(after.every((v) => v === null)).toBe(true);
    expect((loss.marks ?? []).map((m) => m.text)).toContain(`${s.label}: diverged at step ${k}`);
    expect((await outcomeRows(page))[s.label][0]).toBe(`diverged at step ${k}`);
  }
  return diverged.length;
}
