/** Runs the float64 CPU engine off the page's thread; the engine yields every ~30 ms, so cancel messages get through. */
import { CpuEngine } from '../cpu/cpuEngine';
import { type FromEngine, serveEngine, type ToEngine } from '../lab/engineProtocol';

const post = (message: FromEngine) => (self as unknown as Worker).postMessage(message);
const serve = serveEngine(async () => new CpuEngine(), post);

self.onmessage = (event: MessageEvent<ToEngine>) => void serve(event.data);
