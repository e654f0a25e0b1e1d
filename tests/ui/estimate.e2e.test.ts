/** The page states a plan's cost beside Run, and Cancel stops even a CPU run caught inside a minutes-long step. */
import { describe, expect, it } from 'vitest';
import { openLab, useLab, waitForRun } from './labServer';

describe('estimates and cancelling on the page', () => {
  const env = useLab();

  it('shows the estimate of the current plan beside Run', async () => {
    const { page, errors } = await openLab(env.browser, env.lab.url);
    await waitForRun(page);
    await expect
      .poll(() => page.getByTestId('run-estimate').textContent(), { timeout: 30_000 })
      .toMatch(/^(Estimate: \d\.\de[+-]\d+ multiply–adds, about .+\.|Every figure is up to date\.)$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a huge experiment waits for Run with its estimate, and Cancel stops a CPU step that cannot read messages', async () => {
    // One 16384-wide layer: drawing its 2.7·10⁸ weights alone keeps the CPU worker busy for far longer than the test.
    const link = '?engine=cpu&depth=1&width=16384&input=normal:batch=1,width=16384&sweep=he-normal';
    const { page, errors } = await openLab(env.browser, `${env.lab.url}${link}`);
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 }).toContain('press Run');
    await expect
      .poll(() => page.getByTestId('run-estimate').textContent(), { timeout: 30_000 })
      .toMatch(/^Estimate: \d\.\de\+\d+ multiply–adds, about/);
    await page.getByTestId('run-button').click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 10_000 }).toMatch(/Running/);
    await page.waitForTimeout(1500);
    const cancelled = Date.now();
    await page.getByTestId('cancel-button').click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 10_000 }).toContain('Cancelled');
    // The worker is replaced within its grace period (500 ms) rather than after the step ends.
    expect(Date.now() - cancelled).toBeLessThan(5000);
    expect(errors).toEqual([]);
    await page.close();
  });
});
