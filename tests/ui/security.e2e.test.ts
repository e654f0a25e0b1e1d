/**
 * The built page runs under its Content-Security-Policy (vite.config.ts) with nothing refused — every section drawn,
 * gradients and histograms included, the CPU worker started, a PNG exported — and says when its GPU is emulated.
 */
import { describe, expect, it } from 'vitest';
import { openLab, useLab, waitForRun } from './labServer';

interface Violation {
  directive: string;
  blocked: string;
}

describe('the page under its Content-Security-Policy', () => {
  const env = useLab();

  it('declares a policy without inline script or eval, and no section, worker or export is refused by it', async () => {
    const page = await env.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    // Registered before any page script runs, to catch what the policy refuses from the first byte on.
    await page.addInitScript(() => {
      const seen: Violation[] = [];
      Object.defineProperty(window, 'cspViolations', { value: seen });
      document.addEventListener('securitypolicyviolation', (e) =>
        seen.push({ directive: e.violatedDirective, blocked: e.blockedURI }),
      );
    });
    await page.goto(`${env.lab.url}?engine=both`);
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    const scripts = policy?.split(';').find((d) => d.trim().startsWith('script-src'));
    expect(scripts?.trim()).toBe("script-src 'self'");
    expect(policy).not.toMatch(/unsafe-eval|unsafe-inline/);

    await waitForRun(page, ['seed', 'compare', 'symmetry', 'xavier', 'he', 'he-derivation']);
    for (const id of ['backward', 'distributions']) {
      await page.locator(`#${id}`).scrollIntoViewIfNeeded();
      await waitForRun(page, [id]);
    }
    const download = page.waitForEvent('download');
    await page.getByTestId('export-png-seed-pre').click();
    expect((await download).suggestedFilename()).toBe('initlab-seed-pre.png');

    const violations = await page.evaluate(() => (window as unknown as { cspViolations: Violation[] }).cspViolations);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);

    // The watch itself works: an inline script is refused, and seen.
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
    });
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { cspViolations: Violation[] }).cspViolations.length))
      .toBe(1);
    expect(await page.evaluate(() => 'inlineRan' in window)).toBe(false);
    await page.close();
  });

  it('says beside the engine choice that a software adapter emulates the GPU on the CPU', async () => {
    const { page, errors } = await openLab(env.browser, env.lab.url);
    await waitForRun(page, ['seed']);
    // This suite runs on SwiftShader, Chromium's CPU emulation of a GPU.
    await expect.poll(() => page.getByTestId('gpu-note').textContent()).toContain('emulated on the CPU');
    expect(errors).toEqual([]);
    await page.close();
  });
});
