/** The GPU engine from the terminal: src/cli/host in headless Chromium runs the very code the lab page runs. */
import { CancelledError } from '../lab/engine';
import { type FromEngine, RemoteEngine, type ToEngine } from '../lab/engineProtocol';
import { type HostPage, openHostPage } from './browserHost';

const HOST_PATH = '/src/cli/host/index.html';

export class BrowserEngine extends RemoteEngine {
  /** The adapter's description, known once the engine has started. */
  device = 'no device';
  /** What to say about the adapter (an emulated GPU), or null. */
  note: string | null = null;

  private constructor(
    private readonly host: HostPage,
    send: (message: ToEngine) => void,
  ) {
    super('gpu', send);
  }

  /** Starts headless Chromium and the GPU engine in it; throws what the engine could not start with. */
  static async open(): Promise<BrowserEngine> {
    let engine: BrowserEngine | null = null;
    const host = await openHostPage(HOST_PATH, 'initlabHost', {
      initlabPost: (message: FromEngine) => engine?.receive(message),
    });
    const send = (message: ToEngine) => {
      host.page
        .evaluate((m) => void window.initlabHost.receive(m), message)
        .catch((e: Error) => engine?.failAll(new Error(`The headless browser stopped answering: ${e.message}`)));
    };
    engine = new BrowserEngine(host, send);
    try {
      Object.assign(engine, await engine.open());
      return engine;
    } catch (e) {
      await host.close();
      throw e;
    }
  }

  close(): Promise<void> {
    this.failAll(new CancelledError());
    return this.host.close();
  }

  override dispose(): void {
    void this.close();
  }
}
