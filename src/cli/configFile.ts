/** What every command does first: read the config file (or take the seed experiment), and what it says when it cannot. */
import { readFileSync } from 'node:fs';
import { defaultConfig, type ExperimentConfig, formatError, parseConfigText } from '../lab/config';

/** A bad flag, config or file: the command prints the message alone and exits with code 2. */
export class UsageError extends Error {}

export function loadConfig(path: string | undefined): ExperimentConfig {
  if (!path) return defaultConfig();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const parsed = parseConfigText(text);
  if (!parsed.ok)
    throw new UsageError(`Invalid config ${path}:\n${parsed.errors.map((e) => `  ${formatError(e)}`).join('\n')}`);
  return parsed.config;
}
