/**
 * `npm run bench`: the layer-step table (layerTable.ts), the training table (trainingTable.ts), the width sweep
 * (sweepTable.ts) and the phase diagram (phaseTable.ts), measured in headless Chromium on the same adapter as
 * TensorFlow.js's WebGPU backend. Prints the tables and writes bench/results.json. Flags (args.ts): `-- --widths
 * 256,512` sizes the layer step, `-- --sweep-widths 256,512` the sweep (default 256 … 4096), `-- --buffer-budget 1024`
 * gives the GPU engine larger buffers (MiB) for wide sweeps, `-- --tables training,sweep` measures some tables and
 * keeps the others' last results in the file (`-- --phase-only` is `-- --tables phase`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openHostPage } from '../src/cli/browserHost';
import { bufferBudgetFlag, tablesFlag, widthsFlag } from './args';
import { DEFAULT_WIDTHS, layerResults, measureLayerTable, printLayerTable } from './layerTable';
import { measurePhaseTable, phaseResults, printPhaseTable } from './phaseTable';
import { DEFAULT_SWEEP_WIDTHS } from './sweepPlan';
import { measureSweepTable, printSweepTable, sweepResults } from './sweepTable';
import { measureTrainingTable, printTrainingTable, trainingResults } from './trainingTable';

const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));

/** The results file as the last run left it, so a run of one table keeps the other's. */
const previousResults = (): Record<string, unknown> =>
  existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : {};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const tables = tablesFlag(argv);
  const widths = widthsFlag(argv, '--widths', DEFAULT_WIDTHS);
  const sweepWidths = widthsFlag(argv, '--sweep-widths', DEFAULT_SWEEP_WIDTHS);
  const bufferBudget = bufferBudgetFlag(argv);
  const { page, close } = await openHostPage('/bench/host/index.html', 'initlabBench');
  const results = previousResults();
  try {
    if (tables.includes('layer')) {
      const layer = await measureLayerTable(page, widths);
      printLayerTable(layer);
      Object.assign(results, layerResults(layer));
    }
    if (tables.includes('training')) {
      const training = await measureTrainingTable(page);
      printTrainingTable(training);
      results.training = trainingResults(training);
    }
    if (tables.includes('sweep')) {
      const sweep = await measureSweepTable(page, sweepWidths, bufferBudget);
      printSweepTable(sweep);
      results.sweep = sweepResults(sweep);
    }
    if (tables.includes('phase')) {
      const phase = await measurePhaseTable(page);
      printPhaseTable(phase);
      results.phase = phaseResults(phase);
    }
  } finally {
    await close();
  }
  writeFileSync(RESULTS, `${JSON.stringify({ ...results, date: new Date().toISOString() }, null, 2)}\n`);
  console.log(`Wrote ${RESULTS}`);
}

await main();
