/**
 * The CPU engine in a Web Worker, reached through the engine protocol: an Engine like any other to the page. A run
 * that does not stop within CANCEL_GRACE_MS of its cancel (one step of a huge layer can run for minutes without a
 * chance to read messages) has its worker ended and replaced, so Cancel always works.
 */
import type { ExperimentConfig } from '../lab/config';
import { CancelledError, type RunOptions } from '../lab/engine';
import { RemoteEngine } from '../lab/engineProtocol';
import type { RunResult } from '../lab/results';

const CANCEL_GRACE_MS = 500;

export class WorkerCpuEngine extends RemoteEngine {
  private readonly current: { worker: Worker };

  constructor() {
    const current = { worker: null as unknown as Worker };
    super('cpu', (message) => current.worker.postMessage(message));
    this.current = current;
    this.start();
  }

  override run(config: ExperimentConfig, options: RunOptions = {}): Promise<RunResult> {
    const result = super.run(config, options);
    options.signal?.addEventListener(
      'abort',
      () => {
        const timer = setTimeout(() => this.restart(), CANCEL_GRACE_MS);
        const stop = () => clearTimeout(timer);
        result.then(stop, stop);
      },
      { once: true },
    );
    return result;
  }

  override dispose(): void {
    this.current.worker.terminate();
    super.dispose();
  }

  private start(): void {
    const worker = new Worker(new URL('./cpuWorker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event) => this.receive(event.data);
    worker.onerror = (event) => this.failAll(new Error(`The CPU worker failed: ${event.message}`));
    this.current.worker = worker;
  }

  private restart(): void {
    this.current.worker.terminate();
    this.failAll(new CancelledError());
    this.start();
  }
}
