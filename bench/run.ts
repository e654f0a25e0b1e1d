/**
 * `npm run bench`: the layer-step table (layerTable.ts) and the training table (trainingTable.ts), measured in headless
 * Chromium on the same adapter as TensorFlow.js's WebGPU backend. Prints the tables and writes bench/results.json.
 * `-- --widths 256,512` sizes the layer step; `-- --tables training` measures one table and keeps the other's last
 * results in the file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openHostPage } from '../src/cli/browserHost';
import { DEFAULT_WIDTHS, layerResults, measureLayerTable, printLayerTable } from './layerTable';
import { measureTrainingTable, printTrainingTable, trainingResults } from './trainingTable';

const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));
const TABLES = ['layer', 'training'] as const;
type TableName = (typeof TABLES)[number];

const flag = (argv: string[], name: string) => {
  const i = argv.indexOf(name);
  return i < 0 ? null : (argv[i + 1] ?? '');
};

function widthsFromArgs(argv: string[]): number[] {
  const value = flag(argv, '--widths');
  if (value === null) return DEFAULT_WIDTHS;
  const widths = value.split(',').map(Number);
  if (!widths.length || widths.some((w) => !Number.isInteger(w) || w < 1 || w > 16384)) {
    throw new Error(`--widths = ${value || 'missing'}: comma-separated integers from 1 to 16384`);
  }
  return widths;
}

function tablesFromArgs(argv: string[]): TableName[] {
  const value = flag(argv, '--tables');
  if (value === null) return [...TABLES];
  const tables = value.split(',');
  if (!tables.length || tables.some((t) => !TABLES.includes(t as TableName))) {
    throw new Error(`--tables = ${value || 'missing'}: a comma-separated list of ${TABLES.join(', ')}`);
  }
  return tables as TableName[];
}

/** The results file as the last run left it, so a run of one table keeps the other's. */
const previousResults = (): Record<string, unknown> =>
  existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : {};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const tables = tablesFromArgs(argv);
  const widths = widthsFromArgs(argv);
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
  } finally {
    await close();
  }
  writeFileSync(RESULTS, `${JSON.stringify({ ...results, date: new Date().toISOString() }, null, 2)}\n`);
  console.log(`Wrote ${RESULTS}`);
}

await main();
