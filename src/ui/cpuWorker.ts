/** Runs the float64 CPU engine off the page's thread; the engine yields every ~30 ms, so cancel messages get through. */
import { CpuEngine } from '../cpu/cpuEngine';
import { CancelledError } from '../lab/results';
import type { FromWorker, ToWorker } from './workerProtocol';

const engine = new CpuEngine();
const running = new Map<number, AbortController>();
const post = (message: FromWorker) => (self as unknown as Worker).postMessage(message);

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === 'cancel') {
    running.get(message.id)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(message.id, controller);
  try {
    const result = await engine.run(message.config, {
      ...message.options,
      signal: controller.signal,
      onProgress: (progress) => post({ type: 'progress', id: message.id, progress }),
    });
    post({ type: 'result', id: message.id, result });
  } catch (error) {
    post({
      type: 'error',
      id: message.id,
      message: (error as Error).message,
      cancelled: error instanceof CancelledError,
    });
  } finally {
    running.delete(message.id);
  }
};
