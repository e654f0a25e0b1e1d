import { afterAll, describe, expect, it } from 'vitest';
import { DeviceLostError, GpuEngine } from '../../src/gpu/gpuEngine';
import { defaultConfig } from '../../src/lab/config';
import { CancelledError } from '../../src/lab/engine';
import { agreement, config } from './agreement';

const engine = await GpuEngine.create();
afterAll(() => engine.dispose());

/** Long enough to be stopped in the middle: 30 layers of 256 × 256 over 256 rows, tens of ms each on SwiftShader. */
const longRun = config({
  width: 256,
  depth: 30,
  input: { distribution: 'normal', batch: 256, width: 256 },
  init: { kind: 'he-normal' },
});
/**
 * At most one layer step is in flight when the signal fires (~50 ms here); 2 s leaves room for SwiftShader on
 * two shared cores without letting a run that ignores the signal (seconds more) pass.
 */
const PROMPT_MS = 2000;

describe('GPU engine lifecycle', () => {
  it('an aborted run stops within one layer step, and the engine then agrees with the CPU on the seed', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    let layersAfterAbort = 0;
    const run = engine.run(longRun, {
      signal: controller.signal,
      onProgress: (p) => {
        if (abortedAt) layersAfterAbort++;
        else if (p.layer === 2) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(performance.now() - abortedAt).toBeLessThan(PROMPT_MS);
    expect(layersAfterAbort).toBe(0);
    const { comparison, message } = await agreement(engine, defaultConfig());
    expect(comparison.pass, message).toBe(true);
  });

  it('a run with an already aborted signal is cancelled before any work', async () => {
    const controller = new AbortController();
    controller.abort();
    let progressed = false;
    await expect(
      engine.run(defaultConfig(), {
        signal: controller.signal,
        onProgress: () => {
          progressed = true;
        },
      }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(progressed).toBe(false);
  });

  it('a device lost mid-run is reported as such, and the next run starts a new device', async () => {
    const lossy = await GpuEngine.create();
    const run = lossy.run(longRun, {
      // The engine exposes no way to lose a device on purpose; destroying it is how the browser reports a loss too.
      onProgress: (p) => {
        if (p.layer === 2) (lossy as unknown as { ready: { gpu: { device: GPUDevice } } }).ready.gpu.device.destroy();
      },
    });
    await expect(run).rejects.toBeInstanceOf(DeviceLostError);
    const { comparison, message } = await agreement(lossy, defaultConfig());
    expect(comparison.pass, message).toBe(true);
    lossy.dispose();
  });

  it('reports the adapter in every result', async () => {
    const result = await engine.run(defaultConfig());
    expect(result.device).toBe(engine.device);
    expect(result.device).not.toBe('no device');
    expect(result.engine).toBe('gpu');
  });
});
