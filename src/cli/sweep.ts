/** `npm run sweep`: run an experiment config from the terminal, print per-layer variances, write JSON/CSV. */
import { readFileSync, writeFileSync } from 'node:fs';
import { CpuEngine } from '../cpu/cpuEngine';
import { type Comparison, compareRuns } from '../lab/compare';
import { defaultConfig, type ExperimentConfig, formatError, parseConfigText } from '../lab/config';
import type { SendableOptions } from '../lab/engine';
import { type RunResult, resultCsv, resultJson } from '../lab/results';
import { type VerificationPlan, verificationPlan } from '../lab/verification';
import { parseArgs, type SweepArgs, USAGE } from './args';
import { comparisonTable, notComparableList, VERDICT_EXIT_CODES, verdict } from './comparisonTable';
import { progressBar } from './progressBar';
import { flagLegend, tableQuantities, varianceTable } from './table';

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
  if (!parsed.ok)
    throw new UsageError(`Invalid config ${path}:\n${parsed.errors.map((e) => `  ${formatError(e)}`).join('\n')}`);
  return parsed.config;
}

function formatBytes(bytes: number): string {
  return bytes < 2 ** 20 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function report(result: RunResult): void {
  const where = result.device ? `${result.engine} (${result.device})` : result.engine;
  const memory = result.gpuBytes !== undefined ? `, ${formatBytes(result.gpuBytes)} of GPU memory` : '';
  console.log(`engine: ${where}, ${result.timings.totalMs.toFixed(0)} ms${memory}\n`);
  console.log(
    tableQuantities(result)
      .map((q) => varianceTable(result, q))
      .join('\n\n'),
  );
  const legend = flagLegend(result);
  if (legend) console.log(`\n${legend}`);
}

function write(args: SweepArgs, result: RunResult, extra: object = {}): void {
  if (args.out) writeFileSync(args.out, `${JSON.stringify({ ...resultJson(result), ...extra }, null, 2)}\n`);
  if (args.csv) writeFileSync(args.csv, resultCsv(result));
}

async function runGpu(config: ExperimentConfig, options: SendableOptions): Promise<RunResult> {
  // Loaded only here: Vite and Playwright take a while to import, and CPU runs need neither.
  const { BrowserEngine } = await import('./browserEngine');
  const engine = await BrowserEngine.open();
  try {
    if (engine.note) console.error(`GPU: ${engine.device} — ${engine.note}.`);
    const bar = progressBar(`GPU (${engine.device})`);
    const result = await engine.run(config, { ...options, onProgress: bar.update });
    bar.done();
    return result;
  } finally {
    await engine.close();
  }
}

/** Runs both engines and compares them by the verification plan the page uses too. */
async function runBoth(
  config: ExperimentConfig,
  backward: boolean,
): Promise<{ gpu: RunResult; cpu: RunResult; comparison: Comparison; plan: VerificationPlan }> {
  const plan = verificationPlan(config, backward);
  const gpu = await runGpu(config, plan.candidate);
  const bar = progressBar(plan.sampled ? `CPU (${plan.captureRows.length} sampled rows)` : 'CPU');
  const cpu = await new CpuEngine().run(plan.reference.config, { ...plan.reference.options, onProgress: bar.update });
  bar.done();
  return { gpu, cpu, comparison: compareRuns(cpu, gpu, {}, plan.compare), plan };
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
    if (args.engine === 'both') {
      const { gpu, cpu, comparison, plan } = await runBoth(config, args.backward);
      report(gpu);
      console.log(`\nCPU reference: ${cpu.timings.totalMs.toFixed(0)} ms\n`);
      console.log(comparisonTable(comparison));
      const excluded = notComparableList(comparison);
      if (excluded) console.log(`\n${excluded}`);
      console.log(`\n${verdict(comparison)}`);
      const verification = { rows: plan.captureRows, sampled: plan.sampled };
      write(args, gpu, { reference: resultJson(cpu), comparison, verification });
      return VERDICT_EXIT_CODES[comparison.verdict];
    }
    const result =
      args.engine === 'gpu'
        ? await runGpu(config, { backward: args.backward })
        : await new CpuEngine().run(config, { backward: args.backward });
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
