/**
 * A page of this repository in headless Chromium with WebGPU: Vite serves the repo on 127.0.0.1 and a free port
 * (WebGPU needs a secure context, which loopback is) and Playwright drives the system Chromium.
 */
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import { chromiumArgs, chromiumPath } from './chromium';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface HostPage {
  page: Page;
  close(): Promise<void>;
}

/**
 * Opens `path` (from the repo root, e.g. /src/cli/host/index.html) once `global` exists on its window.
 * `expose` functions are callable from the page (progress reports).
 */
export async function openHostPage(
  path: string,
  global: string,
  expose: Record<string, (...args: never[]) => unknown> = {},
): Promise<HostPage> {
  let server: ViteDevServer | null = null;
  let browser: Browser | null = null;
  const close = async () => {
    await browser?.close();
    await server?.close();
  };
  try {
    server = await createServer({
      root: REPO_ROOT,
      configFile: false,
      logLevel: 'error',
      clearScreen: false,
      // Its own dependency cache and scan, so it never disturbs the lab page's dev server.
      cacheDir: 'node_modules/.vite-host',
      optimizeDeps: { entries: [path.slice(1)] },
      server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, fs: { allow: [REPO_ROOT] } },
    });
    await server.listen();
    const { port } = server.httpServer!.address() as AddressInfo;
    browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    for (const [name, fn] of Object.entries(expose)) await page.exposeFunction(name, fn);
    await page.goto(`http://127.0.0.1:${port}${path}`);
    await page
      .waitForFunction((name) => name in window, global, { timeout: 60_000 })
      .catch(() => {
        throw new Error(`${path} did not load${errors.length ? `: ${errors.join('; ')}` : ''}`);
      });
    return { page, close };
  } catch (e) {
    await close();
    throw e;
  }
}
