/** Runs an `npm run` command's script as the terminal would, and keeps its exit code and both outputs. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CommandOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npx tsx src/cli/<script>.ts …args`, never throwing: a failing exit is an outcome like any other. */
export async function runCommand(script: 'sweep' | 'train', ...args: string[]): Promise<CommandOutcome> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', `src/cli/${script}.ts`, ...args], { cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failure = e as CommandOutcome;
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}
