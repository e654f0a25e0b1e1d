/** The GPU engine in headless Chromium for a command, which says when its adapter is an emulation. */
import type { BrowserEngine } from './browserEngine';

export async function openGpu(): Promise<BrowserEngine> {
  // Loaded only here: Vite and Playwright take a while to import, and CPU runs need neither.
  const { BrowserEngine } = await import('./browserEngine');
  const engine = await BrowserEngine.open();
  if (engine.note) console.error(`GPU: ${engine.device} — ${engine.note}.`);
  return engine;
}
