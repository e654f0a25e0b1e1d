/** `npm run sweep`: run an experiment config from the terminal, print per-layer variances, write JSON/CSV. */
import { writeFileSync } from 'node:fs';
import { CpuEngine } from '../cpu/cpuEngine';
import { type Comparison, compareRuns } from '../lab/compare';
import type { ExperimentConfig } from '../lab/config';
import { type RunResult, resultCsv, resultJson } from '../lab/results';
import { verificationPlan } from '../lab/verification';
import { formatBytes } from '../lab/work';
import type { BrowserEngine } from './browserEngine';
import { comparisonTable, notComparableList, VERDICT_EXIT_CODES, verdict } from './comparisonTable';
import { confirmEstimates } from './estimate';
import { commandMain, loadConfig, runWithBar } from './runCommand';
import { parseSweepArgs, type SweepArgs, USAGE } from './sweepArgs';
import { flagLegend, spectrumTable, tableQuantities, varianceTable } from './table';

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
  if (result.series.some((s) => s.jacobian)) console.log(`\n${spectrumTable(result)}`);
}

function write(args: SweepArgs, result: RunResult, extra: object = {}): void {
  if (args.out) writeFileSync(args.out, `${JSON.stringify({ ...resultJson(result), ...extra }, null, 2)}\n`);
  if (args.csv) writeFileSync(args.csv, resultCsv(result));
}

/** One engine: estimate, confirm, run with a progress bar. */
async function runOne(args: SweepArgs, config: ExperimentConfig, gpu: BrowserEngine | null): Promise<RunResult> {
  const engine = gpu ?? new CpuEngine();
  const options = { backward: args.backward === true, jacobian: args.jacobian === true };
  await confirmEstimates([{ engine: gpu ? 'GPU' : 'CPU', estimate: await engine.estimate(config, options) }], args.yes);
  return runWithBar(engine, gpu ? `GPU (${gpu.device})` : 'CPU', config, options);
}

/** Both engines, compared by the verification plan the page uses too. */
async function runBoth(args: SweepArgs, config: ExperimentConfig, gpu: BrowserEngine): Promise<number> {
  const plan = verificationPlan(config, args.backward === true, args.jacobian === true);
  const cpuEngine = new CpuEngine();
  await confirmEstimates(
    [
      { engine: 'GPU', estimate: await gpu.estimate(config, plan.candidate) },
      { engine: 'CPU reference', estimate: await cpuEngine.estimate(plan.reference.config, plan.reference.options) },
    ],
    args.yes,
  );
  const gpuResult = await runWithBar(gpu, `GPU (${gpu.device})`, config, plan.candidate);
  const cpuLabel = plan.sampled ? `CPU (${plan.captureRows.length} sampled rows)` : 'CPU';
  const cpu = await runWithBar(cpuEngine, cpuLabel, plan.reference.config, plan.reference.options);
  const comparison: Comparison = compareRuns(cpu, gpuResult, {}, plan.compare);
  report(gpuResult);
  console.log(`\nCPU reference: ${cpu.timings.totalMs.toFixed(0)} ms\n`);
  console.log(comparisonTable(comparison));
  const excluded = notComparableList(comparison);
  if (excluded) console.log(`\n${excluded}`);
  console.log(`\n${verdict(comparison)}`);
  const verification = { rows: plan.captureRows, sampled: plan.sampled };
  write(args, gpuResult, { reference: resultJson(cpu), comparison, verification });
  return VERDICT_EXIT_CODES[comparison.verdict];
}

/** Exit codes: 0 success, 1 a run failed (or the engines disagree), 2 bad flags or config or a run not started. */
export const main = (argv: string[]): Promise<number> =>
  commandMain(parseSweepArgs(argv), USAGE, 'Run failed', async (args, openGpu) => {
    const config = loadConfig(args.configPath).config;
    const gpu = args.engine === 'cpu' ? null : await openGpu();
    if (args.engine === 'both') return await runBoth(args, config, gpu!);
    const result = await runOne(args, config, gpu);
    report(result);
    write(args, result);
    return 0;
  });

process.exitCode = await main(process.argv.slice(2));
