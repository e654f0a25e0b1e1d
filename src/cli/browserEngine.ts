/** The GPU engine from the terminal: src/cli/host in headless Chromium runs the very code the lab page runs. */
import type { ExperimentConfig } from '../lab/config';
import { CancelledError, type Engine, type Progress, type RunOptions, type RunResult } from '../lab/results';
import { openHostPage } from './browserHost';
import type { HostResult } from './host/main';

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
    result.capture = {
      rows: answer.capture.rows,
      preActivations: answer.capture.preActivations.map((s) => s.map((l) => Float64Array.from(l))),
    };
  }
  return result;
}

export async function openBrowserEngine(): Promise<BrowserEngine> {
  const listeners = new Map<number, (p: Progress) => void>();
  const { page, close } = await openHostPage(HOST_PATH, 'initlabHost', {
    initlabProgress: (id: number, p: Progress) => listeners.get(id)?.(p),
  });
  const ready = await page.evaluate(() => window.initlabHost.device());
  if (!ready.ok) {
    await close();
    throw Object.assign(new Error(ready.message), { name: ready.name });
  }
  let nextId = 0;
  return {
    name: 'gpu',
    device: ready.device,
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
          ([i, c, rows, captureRows, backward]) => window.initlabHost.run(i, c, rows, captureRows, backward),
          [id, config, options.rows, options.captureRows, options.backward] as const,
        );
        return unwrap(answer as HostResult);
      } finally {
        listeners.delete(id);
        options.signal?.removeEventListener('abort', abort);
      }
    },
  };
}
