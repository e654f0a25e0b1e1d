/**
 * A progress bar on stderr: redrawn in place on a terminal; otherwise (logs, CI) one line per tenth once past a second,
 * and for a shorter run its last line alone.
 */
import type { Progress } from '../lab/engine';

const WIDTH = 30;

/** Where the work is: a training update, or a run's series, trial and layer. */
const where = (p: Progress) =>
  p.step !== undefined
    ? `step ${p.step} series ${p.series + 1}`
    : `series ${p.series + 1} trial ${p.trial + 1} layer ${p.layer}`;
/** Without a terminal (logs, CI), runs shorter than this print no progress lines. */
const QUIET_SECONDS = 1;

export function progressBar(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): { update(p: Progress): void; done(): void } {
  const started = performance.now();
  let lastTenth = -1;
  let drawn = false;
  let last = '';
  return {
    update(p) {
      const fraction = p.total ? p.done / p.total : 1;
      const elapsed = (performance.now() - started) / 1000;
      const left = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : 0;
      const filled = Math.round(fraction * WIDTH);
      const text =
        `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(100 * fraction).toFixed(0).padStart(3)}% ` +
        `${where(p)}, ${elapsed.toFixed(1)} s, ~${left.toFixed(0)} s left`;
      last = text;
      if (stream.isTTY) {
        stream.write(`\r${text}\x1b[K`);
        drawn = true;
      } else if (elapsed > QUIET_SECONDS && Math.floor(fraction * 10) > lastTenth) {
        lastTenth = Math.floor(fraction * 10);
        stream.write(`${text}\n`);
        drawn = true;
      }
    },
    done() {
      if (stream.isTTY && drawn) stream.write('\n');
      else if (!drawn && last) stream.write(`${last}\n`);
    },
  };
}
