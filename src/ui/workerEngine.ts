/** The CPU engine seen through its Worker: the same Engine interface, so nothing above knows the difference. */
import type { ExperimentConfig } from '../lab/config';
import { CancelledError, type Engine, type RunOptions, type RunResult } from '../lab/results';
import type { FromWorker, ToWorker } from './workerProtocol';

interface Pending {
  resolve: (result: RunResult) => void;
  reject: (error: Error) => void;
  options: RunOptions;
}

export class WorkerCpuEngine implements Engine {
  readonly name = 'cpu' as const;
  private readonly worker = new Worker(new URL('./cpuWorker.ts', import.meta.url), { type: 'module' });
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor() {
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    this.worker.onerror = (event) => {
      for (const p of this.pending.values()) p.reject(new Error(`The CPU worker failed: ${event.message}`));
      this.pending.clear();
    };
  }

  run(config: ExperimentConfig, options: RunOptions = {}): Promise<RunResult> {
    const id = this.nextId++;
    if (options.signal?.aborted) return Promise.reject(new CancelledError());
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, options });
      options.signal?.addEventListener('abort', () => this.send({ type: 'cancel', id }), { once: true });
      const { signal: _signal, onProgress: _onProgress, ...sendable } = options;
      this.send({ type: 'run', id, config, options: sendable });
    });
  }

  dispose(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new CancelledError());
    this.pending.clear();
  }

  private send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private receive(message: FromWorker): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      pending.options.onProgress?.(message.progress);
      return;
    }
    this.pending.delete(message.id);
    if (message.type === 'result') pending.resolve(message.result);
    else pending.reject(message.cancelled ? new CancelledError() : new Error(message.message));
  }
}
