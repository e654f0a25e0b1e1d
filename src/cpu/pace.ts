/**
 * How the CPU engine shares its thread: long work yields to the event loop every YIELD_EVERY_MS, so that a Worker can
 * receive a cancel message and the page or the terminal can draw progress; a cancelled run stops at the next yield.
 */
import { throwIfAborted } from '../lab/engine';

export const YIELD_EVERY_MS = 30;

/** Yields when YIELD_EVERY_MS have passed since the last yield; throws CancelledError once `signal` has aborted. */
export class Yielder {
  private lastYield = performance.now();

  constructor(private readonly signal?: AbortSignal) {}

  /** Whether a yield is due: report progress before calling `yield`. */
  due(): boolean {
    return performance.now() - this.lastYield > YIELD_EVERY_MS;
  }

  async yield(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.lastYield = performance.now();
    throwIfAborted(this.signal);
  }
}
