/** The CPU engine in a Web Worker, reached through the engine protocol: an Engine like any other to the page. */
import { RemoteEngine } from '../lab/engineProtocol';

export class WorkerCpuEngine extends RemoteEngine {
  private readonly worker: Worker;

  constructor() {
    const worker = new Worker(new URL('./cpuWorker.ts', import.meta.url), { type: 'module' });
    super('cpu', (message) => worker.postMessage(message));
    this.worker = worker;
    worker.onmessage = (event) => this.receive(event.data);
    worker.onerror = (event) => this.failAll(new Error(`The CPU worker failed: ${event.message}`));
  }

  override dispose(): void {
    this.worker.terminate();
    super.dispose();
  }
}
