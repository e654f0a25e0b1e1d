/**
 * The page's GPU-vs-CPU panel and `npm run sweep -- --engine both` check a run by one plan (src/lab/verification.ts):
 * on a batch large enough for the reference to sample rows, both pick the same rows, take statistics over them and
 * reach the same verdict with the same worst figure.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/lab/config';
import { verificationPlan } from '../../src/lab/verification';
import { openLab, useLab, waitForRun } from '../ui/labServer';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'initlab-verify-'));

/** Above the reference's full-run limit (4096 rows × 3 layers of 192 ≈ 4.5e8 multiply–adds), so it samples rows. */
const CONFIG = {
  depth: 3,
  width: 192,
  input: { distribution: 'normal', batch: 4096, width: 192 },
  init: { kind: 'he-normal' },
};
const LINK = '?depth=3&width=192&input=normal:batch=4096,width=192&sweep=he-normal&engine=both';

/** Agreement of the two runtimes' float64 references, relative to the verdict's tolerance. */
const CROSS_RUNTIME = 1e-6;

interface Verdict {
  pass: boolean;
  statisticsFrom: string;
  worst: { label: string; layer: number; figure: string; difference: number };
  verification: { rows: number[]; sampled: boolean };
}

describe('one verification rule for the page and the terminal', () => {
  const env = useLab();

  it('a sampled run is judged on the same rows with the same verdict and worst figure by both', async () => {
    const parsed = parseConfig(CONFIG);
    if (!parsed.ok) throw new Error('test config invalid');
    const plan = verificationPlan(parsed.config);
    expect(plan.sampled).toBe(true);

    const configPath = join(dir, 'config.json');
    const out = join(dir, 'both.json');
    writeFileSync(configPath, JSON.stringify(CONFIG));
    await run('npx', ['tsx', 'src/cli/sweep.ts', configPath, '--engine', 'both', '--out', out], { cwd: process.cwd() });
    const terminal = JSON.parse(readFileSync(out, 'utf8'));

    const { page, errors } = await openLab(env.browser, `${env.lab.url}${LINK}`);
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 }).toContain('press Run');
    await page.getByTestId('run-button').click();
    await waitForRun(page, ['seed', 'compare']);
    const panel = await page.evaluate(
      () => (window as unknown as { initlab: { results: { compare: Verdict } } }).initlab.results.compare,
    );

    expect(terminal.verification).toEqual({ rows: plan.captureRows, sampled: true });
    expect(panel.verification).toEqual(terminal.verification);
    expect(panel.statisticsFrom).toBe('captured');
    expect(terminal.comparison.statisticsFrom).toBe('captured');
    expect(panel.pass).toBe(terminal.comparison.pass);
    const { difference, ...where } = panel.worst;
    const { difference: terminalDifference, ...terminalWhere } = terminal.comparison.worst;
    expect(where).toEqual(terminalWhere);
    // The two references run in different JavaScript runtimes (Node, the page's worker), whose Math.log and Math.cos
    // may differ in the last bit: the same difference to far better than the tolerance it is judged by.
    expect(Math.abs(difference - terminalDifference)).toBeLessThan(CROSS_RUNTIME * terminal.comparison.worst.tolerance);
    expect(errors).toEqual([]);
    await page.close();
  });
});
