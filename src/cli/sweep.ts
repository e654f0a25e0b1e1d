/** `npm run sweep`: run an experiment config from the terminal, print per-layer variances, write JSON/CSV. */
import { readFileSync, writeFileSync } from 'node:fs';
import { CpuEngine } from '../cpu/cpuEngine';
import { type Comparison, compareRuns } from '../lab/compare';
import {
  batchRows,
  defaultConfig,
  type ExperimentConfig,
  formatError,
  forwardWork,
  parseConfigText,
} from '../lab/config';
import { type RunResult, resultCsv, resultJson } from '../lab/results';
import { parseArgs, type SweepArgs, USAGE } from './args';
import { comparisonTable, verdict } from './comparisonTable';
import { progressBar } from './progressBar';
import { flagLegend, tableQuantities, varianceTable } from './table';

/** Multiply–adds the CPU reference does in full for `--engine both` (a few seconds); above it, it checks sampled rows. */
const CPU_FULL_WORK = 3e8;
/** Batch rows the CPU recomputes when it checks a sample, and rows whose activations are compared. */
const VERIFIED_ROWS = 8;

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

/** A spread of distinct batch rows, picked by the seed: the rows the CPU recomputes to verify a large GPU run. */
export function verificationRows(config: ExperimentConfig, count: number): number[] {
  const total = batchRows(config);
  if (total <= count) return Array.from({ length: total }, (_, i) => i);
  const rows = new Set<number>();
  let state = (config.seed ^ 0x9e3779b9) >>> 0;
  while (rows.size < count) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    rows.add(state % total);
  }
  return [...rows].sort((a, b) => a - b);
}

async function runGpu(config: ExperimentConfig, backward: boolean, captureRows?: number[]): Promise<RunResult> {
  // Loaded only here: Vite and Playwright take a while to import, and CPU runs need neither.
  const { openBrowserEngine } = await import('./browserEngine');
  const engine = await openBrowserEngine();
  try {
    const bar = progressBar(`GPU (${engine.device})`);
    const result = await engine.run(config, { captureRows, backward, onProgress: bar.update });
    bar.done();
    return result;
  } finally {
    await engine.close();
  }
}

/**
 * Runs both engines; the CPU recomputes every row when that is quick, else a sample of rows (whose gradients, summed
 * over other rows, are then not compared).
 */
async function runBoth(
  config: ExperimentConfig,
  backward: boolean,
): Promise<{ gpu: RunResult; cpu: RunResult; comparison: Comparison }> {
  const rows = verificationRows(config, VERIFIED_ROWS);
  // A backward pass adds two products per layer, δ·Wᵀ and Hᵀ·δ.
  const full = forwardWork(config) * (backward ? 3 : 1) <= CPU_FULL_WORK;
  const gpu = await runGpu(config, backward, rows);
  const bar = progressBar(full ? 'CPU' : `CPU (${rows.length} sampled rows)`);
  const cpu = full
    ? await new CpuEngine().run(config, { captureRows: rows, backward, onProgress: bar.update })
    : await new CpuEngine().run(
        { ...config, trials: 1 },
        { rows, captureRows: rows, backward, onProgress: bar.update },
      );
  bar.done();
  return { gpu, cpu, comparison: compareRuns(cpu, gpu, {}, { referenceRows: full ? 'all' : 'captured' }) };
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
      const { gpu, cpu, comparison } = await runBoth(config, args.backward);
      report(gpu);
      console.log(`\nCPU reference: ${cpu.timings.totalMs.toFixed(0)} ms\n`);
      console.log(comparisonTable(comparison));
      console.log(`\n${verdict(comparison)}`);
      write(args, gpu, { reference: resultJson(cpu), comparison });
      return comparison.pass ? 0 : 1;
    }
    const result =
      args.engine === 'gpu'
        ? await runGpu(config, args.backward)
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
