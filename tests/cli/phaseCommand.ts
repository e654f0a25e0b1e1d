/** `npm run phase` as a child process, and a small ReLU grid, for the CLI tests. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Runs the command; its exit code and output. */
export async function phase(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/phase.ts', ...args], { cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failure = e as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

/** Ten ReLU networks of width 32: a second of CPU work. */
export const PHASE_CONFIG = {
  activation: 'relu',
  depth: 6,
  width: 32,
  input: { distribution: 'pairs', batch: 8, width: 32, correlation: 0.5 },
  phase: { sigmaW: [0.5, 2.5, 5], sigmaB: [0, 0.4, 2] },
};
