/** `npm run sweep`: run an experiment config from the terminal, print per-layer variances, write JSON/CSV. */
import { readFileSync, writeFileSync } from 'node:fs';
import { CpuEngine } from '../cpu/cpuEngine';
import { defaultConfig, formatError, parseConfigText, type ExperimentConfig } from '../lab/config';
import { resultCsv, resultJson, type RunResult } from '../lab/results';
import { parseArgs, USAGE, type SweepArgs } from './args';
import { flagLegend, varianceTable } from './table';

/** Exit codes: 0 success, 1 a run failed, 2 bad flags or config. */
class UsageError extends Error {}

function loadConfig(path: string | undefined): ExperimentConfig {
  if (!path) return defaultConfig();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const parsed = parseConfigText(text);
  if (!parsed.ok) throw new UsageError(`Invalid config ${path}:\n${parsed.errors.map((e) => `  ${formatError(e)}`).join('\n')}`);
  return parsed.config;
}

function report(result: RunResult): void {
  const where = result.device ? `${result.engine} (${result.device})` : result.engine;
  console.log(`engine: ${where}, ${result.timings.totalMs.toFixed(0)} ms\n`);
  console.log(varianceTable(result, 'pre'));
  console.log('');
  console.log(varianceTable(result, 'post'));
  const legend = flagLegend(result);
  if (legend) console.log(`\n${legend}`);
}

function write(args: SweepArgs, result: RunResult): void {
  if (args.out) writeFileSync(args.out, JSON.stringify(resultJson(result), null, 2) + '\n');
  if (args.csv) writeFileSync(args.csv, resultCsv(result));
}

export async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    console.error(`${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const args = parsed.args;
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    const config = loadConfig(args.configPath);
    if (args.engine !== 'cpu') throw new UsageError(`--engine ${args.engine}: the GPU engine is not available in this build; use --engine cpu`);
    const result = await new CpuEngine().run(config);
    report(result);
    write(args, result);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message);
      return 2;
    }
    console.error(`Run failed: ${(e as Error).message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
