/**
 * Before a run: what it will cost on each engine (work, memory, time at the engine's measured speed), printed; a run
 * estimated past an hour starts only when the user says so — `--yes`, or yes at the prompt of an interactive
 * terminal. Without a terminal it stops with the estimate and the flag to use.
 */
import { createInterface } from 'node:readline/promises';
import { CONFIRM_SECONDS, describeEstimate, formatDuration, type RunEstimate } from '../lab/work';

export class NotConfirmedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotConfirmedError';
  }
}

/** Prints each engine's estimate; resolves when the run may start, throws NotConfirmedError when it may not. */
export async function confirmEstimates(
  estimates: { engine: string; estimate: RunEstimate }[],
  yes: boolean,
): Promise<void> {
  for (const { engine, estimate } of estimates) console.error(`Estimate, ${engine}: ${describeEstimate(estimate)}.`);
  const seconds = estimates.reduce((sum, e) => sum + e.estimate.seconds, 0);
  if (seconds <= CONFIRM_SECONDS || yes) return;
  const time = formatDuration(seconds);
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new NotConfirmedError(
      `Not started: this run is estimated at about ${time}, over an hour. Run it again with --yes to start it anyway, or lower depth, width, batch, trials or the number of series.`,
    );
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt.question(`This run is estimated at about ${time}. Start it? [y/N] `);
  prompt.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new NotConfirmedError('Not started.');
}
