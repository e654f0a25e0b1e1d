/**
 * What the terminal's commands share: their frame (flags, help, exit codes, the GPU engine opened and closed), reading a
 * config file, running with a progress bar.
 */
import { readFileSync } from 'node:fs';
import { defaultConfig, type ExperimentConfig, formatError, parseConfigText } from '../lab/config';
import type { Engine, SendableOptions } from '../lab/engine';
import type { RunResult } from '../lab/results';
import type { ArgsResult, CommonArgs } from './args';
import type { BrowserEngine } from './browserEngine';
import { NotConfirmedError } from './estimate';
import { progressBar } from './progressBar';

/** A bad flag, config or file: the command prints the message alone and exits with code 2. */
export class UsageError extends Error {}

/** The config at `path` (the seed experiment without one), and the JSON object it was parsed from. */
export function loadConfig(path: string | undefined): { config: ExperimentConfig; raw: Record<string, unknown> } {
  if (!path) return { config: defaultConfig(), raw: {} };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const parsed = parseConfigText(text);
  if (!parsed.ok)
    throw new UsageError(`Invalid config ${path}:\n${parsed.errors.map((e) => `  ${formatError(e)}`).join('\n')}`);
  return { config: parsed.config, raw: JSON.parse(text) as Record<string, unknown> };
}

/** The GPU engine in headless Chromium, which says when its adapter is an emulation. */
export async function openGpu(): Promise<BrowserEngine> {
  // Loaded only here: Vite and Playwright take a while to import, and CPU runs need neither.
  const { BrowserEngine } = await import('./browserEngine');
  const engine = await BrowserEngine.open();
  if (engine.note) console.error(`GPU: ${engine.device} — ${engine.note}.`);
  return engine;
}

export async function runWithBar(
  engine: Engine,
  label: string,
  config: ExperimentConfig,
  options: SendableOptions,
): Promise<RunResult> {
  const bar = progressBar(label);
  const result = await engine.run(config, { ...options, onProgress: bar.update });
  bar.done();
  return result;
}

/**
 * Every command's frame: a bad flag prints its message and the usage (exit 2), `--help` the usage (0); then `body`
 * runs with a way to open the GPU engine, which is closed whatever happens. A UsageError or a declined estimate exits
 * with 2, any other failure with 1 as "`failure`: what happened".
 */
export async function commandMain<A extends CommonArgs>(
  parsed: ArgsResult<A>,
  usage: string,
  failure: string,
  body: (args: A, gpu: () => Promise<BrowserEngine>) => Promise<number>,
): Promise<number> {
  if (!parsed.ok) {
    console.error(`${parsed.message}\n\n${usage}`);
    return 2;
  }
  if (parsed.args.help) {
    console.log(usage);
    return 0;
  }
  let gpu: BrowserEngine | null = null;
  try {
    return await body(parsed.args, async () => {
      gpu ??= await openGpu();
      return gpu;
    });
  } catch (e) {
    if (e instanceof UsageError || e instanceof NotConfirmedError) {
      console.error(e.message);
      return 2;
    }
    console.error(`${failure}: ${(e as Error).message}`);
    return 1;
  } finally {
    await (gpu as BrowserEngine | null)?.close();
  }
}
