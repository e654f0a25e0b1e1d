import { describe, expect, it } from 'vitest';
import { configJson, defaultConfig, type ExperimentConfig, parseConfig } from '../../src/lab/config';
import { theoryCurves } from '../../src/lab/theory';
import { chartSnapshot, expectClose, openLab, useLab, waitForRun } from './labServer';

/**
 * theory.ts runs in Node here and in Chromium on the page: the same float64 code in two V8s, whose Math.exp and
 * Math.sqrt may differ in the last bit (ECMAScript leaves them implementation-approximated). 1e-12 allows that and
 * nothing else: a wrong σ, width or input moves a prediction by far more.
 */
const CROSS_RUNTIME_RELATIVE_TOLERANCE = 1e-12;
/** The ratio attribute holds measured ÷ predicted in full: only the float64 division's rounding can differ. */
const RATIO_RELATIVE_TOLERANCE = 1e-12;
/** The derivation table prints four significant digits: half a unit in the fourth digit is at most 5e-4 relative. */
const PRINTED_RELATIVE_TOLERANCE = 5e-4;

describe('theory on the page', () => {
  const env = useLab();

  it('the dashed curves of the seed charts are theoryCurves(defaultConfig()), and each table cell divides measured by them', async () => {
    const { page, errors } = await openLab(env.browser, `${env.lab.url}?engine=cpu`);
    await waitForRun(page);
    const theory = theoryCurves(defaultConfig());
    for (const quantity of ['pre', 'post'] as const) {
      const snapshot = await chartSnapshot(page, `seed-${quantity}`);
      expect(snapshot.theory).toHaveLength(theory.length);
      theory.forEach((series, i) => {
        const expected = series.layers.map((l) => l[quantity].var);
        expect(snapshot.theory[i]).toHaveLength(expected.length);
        snapshot.theory[i].forEach((v, k) => {
          expectClose(v, expected[k], CROSS_RUNTIME_RELATIVE_TOLERANCE, `${series.label}, layer ${k + 1}`);
        });
      });
      const cells = await page.getByTestId(`table-seed-${quantity}`).evaluate((t) =>
        [...t.querySelectorAll('tbody tr')].map((row) =>
          [...row.querySelectorAll('td')].map((td) => ({
            value: Number(td.getAttribute('data-value')),
            ratio: td.querySelector('.ratio') ? Number(td.querySelector('.ratio')!.getAttribute('data-ratio')) : null,
          })),
        ),
      );
      cells.forEach((row, layer) => {
        row.forEach((cell, s) => {
          const predicted = theory[s].layers[layer][quantity].var;
          // σ = 1e-5 underflows nothing in float64, so every cell of the seed has a ratio.
          expect(cell.ratio, `${theory[s].label}, layer ${layer + 1}`).not.toBeNull();
          expectClose(
            cell.ratio!,
            cell.value / predicted,
            RATIO_RELATIVE_TOLERANCE,
            `${theory[s].label}, layer ${layer + 1} ratio`,
          );
        });
      });
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a tanh network gets mean-field curves for its own config, and constant weights get none, with the reason on the page', async () => {
    const query = '?engine=cpu&activation=tanh&sweep=lecun-normal;constant:value=0.1';
    const { page } = await openLab(env.browser, env.lab.url + query);
    await waitForRun(page);
    const parsed = parseConfig({
      ...configJson(defaultConfig()),
      activation: 'tanh',
      sweep: [{ kind: 'lecun-normal' }, { kind: 'constant', value: 0.1 }],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const theory = theoryCurves(parsed.config);
    const snapshot = await chartSnapshot(page, 'seed-post');
    snapshot.theory[0].forEach((v, k) => {
      expectClose(v, theory[0].layers[k].post.var, CROSS_RUNTIME_RELATIVE_TOLERANCE, `LeCun, layer ${k + 1}`);
    });
    expect(snapshot.theory[1]).toEqual([]);
    expect(await page.locator('#seed-figure .figure-meta').textContent()).toContain(
      `No theory for constant 0.1: ${theory[1].unavailable}`,
    );
    await page.close();
  });

  it("the He derivation table's theory columns are theory.ts's predictions for the derivation's config", async () => {
    const { page } = await openLab(env.browser, `${env.lab.url}?engine=cpu`);
    await waitForRun(page);
    const config = await page.evaluate(
      () =>
        (window as unknown as { initlab: { results: Record<string, { config: ExperimentConfig }> } }).initlab.results[
          'he-derivation'
        ].config,
    );
    const theory = theoryCurves(config)[0].layers;
    const rows = await page
      .getByTestId('he-derivation-table')
      .evaluate((t) =>
        [...t.querySelectorAll('tbody tr')].map((r) =>
          [...r.querySelectorAll('td')].map((td) => Number(td.textContent)),
        ),
      );
    expect(rows).toHaveLength(theory.length);
    rows.forEach((cells, i) => {
      // Columns after Var[W]: E[Z²] theory, measured, E[H²] theory, measured, Var[H] theory, measured.
      expectClose(cells[1], theory[i].pre.meanSq, PRINTED_RELATIVE_TOLERANCE, `E[Z²], layer ${i + 1}`);
      expectClose(cells[3], theory[i].post.meanSq, PRINTED_RELATIVE_TOLERANCE, `E[H²], layer ${i + 1}`);
      expectClose(cells[5], theory[i].post.var, PRINTED_RELATIVE_TOLERANCE, `Var[H], layer ${i + 1}`);
    });
    await page.close();
  });
});
