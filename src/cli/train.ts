/**
 * `npm run train`: train every series of a config from the terminal, print each outcome, write JSON, CSV and a NumPy
 * export. With `--engine both` the GPU engine trains and the CPU reference checks it (compareTraining.ts).
 */
import { writeFileSync } from 'node:fs';
import { CpuEngine } from '../cpu/cpuEngine';
import { compareTraining } from '../lab/compareTraining';
import type { ExperimentConfig } from '../lab/config';
import type { Engine } from '../lab/engine';
import { isGrid } from '../lab/grid';
import type { Parameters, Trainer, TrainResult } from '../lab/training';
import { trainResultCsv, trainResultJson } from '../lab/trainResults';
import { estimateTraining } from '../lab/trainWork';
import type { BrowserEngine } from './browserEngine';
import { VERDICT_EXIT_CODES } from './comparisonTable';
import { coordCheckConfig, coordTables } from './coordTable';
import { confirmEstimates } from './estimate';
import { progressBar } from './progressBar';
import { commandMain, loadConfig, UsageError } from './runCommand';
import { parseTrainArgs, type TrainArgs, USAGE } from './trainArgs';
import { type ExportedRun, exportRun } from './trainExport';
import { comparisonReport, outcomeTable } from './trainTable';

type TrainingEngine = Engine & Trainer & { device?: string };

const label = (engine: TrainingEngine) => (engine.name === 'gpu' ? `GPU (${engine.device})` : 'CPU');

/** One engine trains every series to the end, with a progress bar; the parameters are kept when they are exported. */
async function trainOne(
  engine: TrainingEngine,
  config: ExperimentConfig,
  keepParameters: boolean,
): Promise<ExportedRun> {
  const started = performance.now();
  const session = await engine.train(config);
  const everySeries = () => Promise.all(config.sweep.map((_, s) => session.parameters(s)));
  try {
    const initial: Parameters[] = keepParameters ? await everySeries() : [];
    const bar = progressBar(label(engine));
    const snapshot = await session.advance(config.train.steps, { onProgress: bar.update });
    bar.done();
    const final: Parameters[] = keepParameters ? await everySeries() : [];
    const result: TrainResult = {
      ...snapshot,
      config,
      engine: engine.name,
      ...(engine.name === 'gpu' && engine.device ? { device: engine.device } : {}),
      timings: { totalMs: performance.now() - started },
    };
    return { result, initial, final };
  } finally {
    session.dispose();
  }
}

function report(result: TrainResult): void {
  const where = result.device ? `${result.engine} (${result.device})` : result.engine;
  const speed = (result.step * result.series.length) / (result.timings.totalMs / 1000);
  const steps = `${result.step} steps of ${result.series.length} series`;
  console.log(
    `engine: ${where}, ${steps} in ${result.timings.totalMs.toFixed(0)} ms (${speed.toFixed(1)} series-steps/s)\n`,
  );
  console.log(outcomeTable(result));
}

function write(args: TrainArgs, result: TrainResult, extra: object = {}): void {
  if (args.out) writeFileSync(args.out, `${JSON.stringify({ ...trainResultJson(result), ...extra }, null, 2)}\n`);
  if (args.csv) writeFileSync(args.csv, trainResultCsv(result));
}

/** Both engines: the GPU trains first (it is the one that may refuse), the CPU reference checks it. */
async function trainBoth(args: TrainArgs, config: ExperimentConfig, gpu: BrowserEngine): Promise<number> {
  const cpu = new CpuEngine();
  const gpuRun = await trainOne(gpu, config, false);
  // The export carries the float64 reference's parameters: those replay exactly in float64.
  const cpuRun = await trainOne(cpu, config, args.export !== undefined);
  const comparison = compareTraining(cpuRun.result, gpuRun.result);
  report(gpuRun.result);
  if (args.coordCheck) console.log(`\n${coordTables(gpuRun.result)}`);
  console.log(`\nCPU reference: ${cpuRun.result.timings.totalMs.toFixed(0)} ms\n`);
  console.log(comparisonReport(comparison));
  write(args, gpuRun.result, { reference: trainResultJson(cpuRun.result), comparison });
  if (args.export) exportRun(args.export, cpuRun);
  return VERDICT_EXIT_CODES[comparison.verdict];
}

/** Exit codes: 0 trained (or the engines agree), 1 training failed or the engines disagree, 2 bad flags or config or
 * not started, 3 the engines agree where both hold. */
export const main = (argv: string[]): Promise<number> =>
  commandMain(parseTrainArgs(argv), USAGE, 'Training failed', async (args, openGpu) => {
    const loaded = loadConfig(args.configPath).config;
    const config = args.coordCheck ? coordCheckConfig(loaded) : loaded;
    if (args.export && isGrid(config))
      throw new UsageError(
        '--export writes one network shape: train one width, depth and learning rate at a time (the config lists several).',
      );
    if (args.coordCheck)
      console.error("Coordinate check: every step recorded, with each layer's change since initialization.");
    const gpu = args.engine === 'cpu' ? null : await openGpu();
    const engines: TrainingEngine[] = args.engine === 'both' ? [gpu!, new CpuEngine()] : [gpu ?? new CpuEngine()];
    const estimates = await Promise.all(
      engines.map(async (e) => ({ engine: label(e), estimate: await estimateTraining(e, config) })),
    );
    await confirmEstimates(estimates, args.yes);
    if (args.engine === 'both') return await trainBoth(args, config, gpu!);
    const run = await trainOne(engines[0], config, args.export !== undefined);
    report(run.result);
    if (args.coordCheck) console.log(`\n${coordTables(run.result)}`);
    write(args, run.result);
    if (args.export) exportRun(args.export, run);
    return 0;
  });

process.exitCode = await main(process.argv.slice(2));
