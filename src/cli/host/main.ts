/**
 * The page the terminal runner opens in headless Chromium: it runs the same GpuEngine as the lab page and answers
 * src/cli/browserEngine.ts through `window.initlabHost`, relaying progress through `window.initlabProgress`.
 */
import { GpuEngine } from '../../gpu/gpuEngine';
import type { ExperimentConfig } from '../../lab/config';
import type { Progress, RunResult } from '../../lab/results';

/** An error in a form that crosses into Node: its name tells a cancellation from a failure. */
export type HostFailure = { ok: false; name: string; message: string };
/** A result in a form that crosses into Node: captures as plain arrays. */
export type HostResult =
  | { ok: true; result: Omit<RunResult, 'capture'>; capture?: { rows: number[]; preActivations: number[][][] } }
  | HostFailure;

export interface HostApi {
  device(): Promise<{ ok: true; device: string } | HostFailure>;
  run(
    id: number,
    config: ExperimentConfig,
    rows?: number[],
    captureRows?: number[],
    backward?: boolean,
  ): Promise<HostResult>;
  abort(id: number): void;
}

declare global {
  interface Window {
    initlabHost: HostApi;
    initlabProgress?: (id: number, progress: Progress) => void;
  }
}

let engine: Promise<GpuEngine> | null = null;
const controllers = new Map<number, AbortController>();
const failure = (e: unknown) => ({
  ok: false as const,
  name: (e as Error).name ?? 'Error',
  message: (e as Error).message ?? String(e),
});

window.initlabHost = {
  async device() {
    try {
      engine ??= GpuEngine.create();
      return { ok: true, device: (await engine).device };
    } catch (e) {
      engine = null;
      return failure(e);
    }
  },
  async run(id, config, rows, captureRows, backward) {
    const controller = new AbortController();
    controllers.set(id, controller);
    try {
      engine ??= GpuEngine.create();
      const { capture, ...result } = await (await engine).run(config, {
        signal: controller.signal,
        rows,
        captureRows,
        backward,
        onProgress: (p) => window.initlabProgress?.(id, p),
      });
      return {
        ok: true,
        result,
        ...(capture
          ? {
              capture: {
                rows: capture.rows,
                preActivations: capture.preActivations.map((s) => s.map((l) => Array.from(l))),
              },
            }
          : {}),
      };
    } catch (e) {
      return failure(e);
    } finally {
      controllers.delete(id);
    }
  },
  abort(id) {
    controllers.get(id)?.abort();
  },
};
