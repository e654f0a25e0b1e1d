/** Builds the page once and serves it with `vite preview` on 127.0.0.1 and a free port, for the e2e tests. */

import { type Browser, type BrowserContextOptions, chromium, type Download, type Page } from 'playwright';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, expect } from 'vitest';
import { chromiumArgs, chromiumPath } from '../browserLaunch';

export interface Lab {
  url: string;
  server: PreviewServer;
}

let building: Promise<void> | null = null;

export async function startLab(): Promise<Lab> {
  building ??= build({ logLevel: 'warn' }).then(() => undefined);
  await building;
  const server = await preview({ logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('vite preview did not report a port');
  return { url: `http://127.0.0.1:${address.port}/`, server };
}

/** The system Chromium; `webgpu: false` drops the flag that exposes WebGPU on SwiftShader. */
export function launch(webgpu = true): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: webgpu ? chromiumArgs : chromiumArgs.filter((a) => a !== '--enable-unsafe-webgpu'),
  });
}

/**
 * Opens the page and collects console errors and uncaught exceptions. The page has a context of its own, closed with
 * it (axe-core needs one), where `context` can set what the reader's system prefers (colour scheme, reduced motion).
 */
export async function openLab(
  browser: Browser,
  url: string,
  viewport = { width: 1400, height: 1000 },
  context: BrowserContextOptions = {},
): Promise<{ page: Page; errors: string[] }> {
  const browserContext = await browser.newContext({ ...context, viewport });
  const page = await browserContext.newPage();
  // Nothing to report when the browser is already closing, as after a failed test that left its page open.
  page.on('close', () => browserContext.close().catch(() => undefined));
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(process.env.STACK ? String(e.stack) : e.message));
  await page.goto(url);
  return { page, errors };
}

/** Waits until the given figures have results from a finished run. */
export async function waitForRun(
  page: Page,
  ids: string[] = ['seed', 'symmetry', 'xavier', 'he', 'he-derivation'],
  minRuns = 1,
): Promise<void> {
  await page.waitForFunction(
    ({ ids, minRuns }) => {
      const lab = (window as unknown as { initlab?: { results: Record<string, unknown>; runs: number } }).initlab;
      return !!lab && lab.runs >= minRuns && ids.every((id) => id in lab.results);
    },
    { ids, minRuns },
    { timeout: 120_000 },
  );
}

/** The built page and a browser for one describe block, started before its tests and closed after them. */
export function useLab(webgpu = true): { readonly lab: Lab; readonly browser: Browser } {
  const env = {} as { lab: Lab; browser: Browser };
  beforeAll(async () => {
    env.lab = await startLab();
    env.browser = await launch(webgpu);
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.lab?.server.close();
  });
  return env;
}

/** What the page exposes of a chart on window.initlab.charts: x values first, then one array per plotted series. */
export interface ChartSnapshot {
  labels: string[];
  data: (number | null)[][];
  theory: number[][];
  /** The training charts' marks: where a diverged series' line ends, and why. */
  marks?: { x: number; y: number | null; text: string }[];
}

export const chartSnapshot = (page: Page, id: string): Promise<ChartSnapshot> =>
  page.evaluate(
    (id) => (window as unknown as { initlab: { charts: Record<string, ChartSnapshot> } }).initlab.charts[id],
    id,
  );

export function expectClose(actual: number, expected: number, tolerance: number, what: string): void {
  expect(Math.abs(actual - expected) / Math.abs(expected), what).toBeLessThanOrEqual(tolerance);
}

/** A download's bytes as text (`latin1` keeps a PNG's bytes one to one). */
export async function readDownload(download: Download, encoding: BufferEncoding = 'utf8'): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString(encoding);
}
