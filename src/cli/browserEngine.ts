/**
 * The GPU engine from the terminal: serves src/cli/host with Vite on 127.0.0.1 (WebGPU needs a secure context) and
 * drives it in headless Chromium with Playwright, so the terminal runs the very code the lab page runs.
 */
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import type { ExperimentConfig } from '../lab/config';
import { CancelledError, type Engine, type Progress, type RunOptions, type RunResult } from '../lab/results';
import { chromiumArgs, chromiumPath } from './chromium';
import type { HostResult } from './host/main';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOST_PATH = '/src/cli/host/index.html';

export type BrowserEngine = Engine & { device: string; close(): Promise<void> };

function unwrap(answer: HostResult): RunResult {
  if (!answer.ok) {
    if (answer.name === 'CancelledError') throw new CancelledError();
    const error = new Error(answer.message);
    error.name = answer.name;
    throw error;
  }
  const result = answer.result as RunResult;
  if (answer.capture) {
    result.capture = { rows: answer.capture.rows, preActivations: answer.capture.preActivations.map((s) => s.map((l) => Float64Array.from(l))) };
  }
  return result;
}

export async function openBrowserEngine(): Promise<BrowserEngine> {
  let server: ViteDevServer | null = null;
  let browser: Browser | null = null;
  const close = async () => {
    await browser?.close();
    await server?.close();
  };
  try {
    server = await createServer({
      root: REPO_ROOT, configFile: false, logLevel: 'error', clearScreen: false,
      server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, fs: { allow: [REPO_ROOT] } },
      optimizeDeps: { noDiscovery: true, include: [] },
    });
    await server.listen();
    const { port } = server.httpServer!.address() as AddressInfo;
    browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
    const page: Page = await browser.newPage();
    const listeners = new Map<number, (p: Progress) => void>();
    await page.exposeFunction('initlabProgress', (id: number, p: Progress) => listeners.get(id)?.(p));
    await page.goto(`http://127.0.0.1:${port}${HOST_PATH}`);
    await page.waitForFunction(() => 'initlabHost' in window);
    const ready = await page.evaluate(() => window.initlabHost.device());
    if (!ready.ok) throw Object.assign(new Error(ready.message), { name: ready.name });
    const device = 'device' in ready ? ready.device : 'unknown adapter';

    let nextId = 0;
    const engine: BrowserEngine = {
      name: 'gpu',
      device,
      close,
      dispose: () => void close(),
      async run(config: ExperimentConfig, options: RunOptions = {}): Promise<RunResult> {
        const id = nextId++;
        if (options.onProgress) listeners.set(id, options.onProgress);
        const abort = () => void page.evaluate((i) => window.initlabHost.abort(i), id).catch(() => undefined);
        options.signal?.addEventListener('abort', abort);
        try {
          if (options.signal?.aborted) throw new CancelledError();
          const answer = await page.evaluate(
            ([i, c, rows, captureRows]) => window.initlabHost.run(i, c, rows, captureRows),
            [id, config, options.rows, options.captureRows] as const,
          );
          return unwrap(answer as HostResult);
        } finally {
          listeners.delete(id);
          options.signal?.removeEventListener('abort', abort);
        }
      },
    };
    return engine;
  } catch (e) {
    await close();
    throw e;
  }
}
