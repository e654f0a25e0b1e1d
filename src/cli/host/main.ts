/**
 * The page the terminal runner opens in headless Chromium: it runs the same GpuEngine as the lab page and answers
 * src/cli/browserEngine.ts through the engine protocol, `window.initlabHost.receive` one way and the exposed
 * `window.initlabPost` the other.
 */
import { GpuEngine } from '../../gpu/gpuEngine';
import { type FromEngine, serveEngine, type ToEngine } from '../../lab/engineProtocol';

declare global {
  interface Window {
    initlabHost: { receive(message: ToEngine): Promise<void> };
    initlabPost?: (message: FromEngine) => void;
  }
}

window.initlabHost = {
  receive: serveEngine(
    () => GpuEngine.create(),
    (message) => window.initlabPost?.(message),
  ),
};
