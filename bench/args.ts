/**
 * `npm run bench`'s flags, parsed into values or refused in a sentence that names the flag, the value and what it
 * accepts: `--tables` picks the tables a run measures (`--phase-only`: the phase diagram's alone), `--widths` sizes
 * the layer step, `--sweep-widths` the width sweep, and `--buffer-budget` (MiB) raises the GPU engine's largest
 * buffer for sweeps whose widest network needs it.
 */
export const TABLES = ['layer', 'training', 'sweep', 'phase'] as const;
export type TableName = (typeof TABLES)[number];

/** The widest network the lab runs (the limits issue). */
const MAX_WIDTH = 16384;

const flag = (argv: string[], name: string) => {
  const i = argv.indexOf(name);
  return i < 0 ? null : (argv[i + 1] ?? '');
};

/** A comma-separated list of widths from 1 to MAX_WIDTH, or `fallback` when the flag is absent. */
export function widthsFlag(argv: string[], name: string, fallback: number[]): number[] {
  const value = flag(argv, name);
  if (value === null) return fallback;
  const widths = value.split(',').map(Number);
  if (!value || widths.some((w) => !Number.isInteger(w) || w < 1 || w > MAX_WIDTH)) {
    throw new Error(`${name} = ${value || 'missing'}: comma-separated integers from 1 to ${MAX_WIDTH}`);
  }
  return widths;
}

export function tablesFlag(argv: string[]): TableName[] {
  // The flag the phase-diagram table was first run with, before --tables.
  if (argv.includes('--phase-only')) return ['phase'];
  const value = flag(argv, '--tables');
  if (value === null) return [...TABLES];
  const tables = value.split(',');
  if (!value || tables.some((t) => !TABLES.includes(t as TableName))) {
    throw new Error(`--tables = ${value || 'missing'}: a comma-separated list of ${TABLES.join(', ')}`);
  }
  return tables as TableName[];
}

/** `--buffer-budget` in bytes (given in MiB), or undefined for the engine's default. */
export function bufferBudgetFlag(argv: string[]): number | undefined {
  const value = flag(argv, '--buffer-budget');
  if (value === null) return undefined;
  const mib = Number(value);
  if (!value || !Number.isInteger(mib) || mib < 1) {
    throw new Error(`--buffer-budget = ${value || 'missing'}: a whole number of MiB, at least 1`);
  }
  return mib * 2 ** 20;
}
