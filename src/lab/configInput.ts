/**
 * The config's `input`: one fixed sample, or a random batch drawn from the stream — N(0, 1) or U(−1, 1) rows, or pairs of
 * N(0, 1) rows whose coordinates have correlation c₀ (src/lab/sampling.ts says how they are built).
 */
import { MAX_BATCH, MAX_WIDTH } from './configFields';
import { type ConfigError, checkNumber, isRecord } from './configValues';

export interface PairsInputSpec {
  distribution: 'pairs';
  /** Rows: an even number, B/2 pairs (rows 2k and 2k + 1). */
  batch: number;
  width: number;
  /** c₀, each pair's coordinate correlation. */
  correlation: number;
}
export type RandomInputSpec = { distribution: 'normal' | 'uniform'; batch: number; width: number } | PairsInputSpec;
export type InputSpec = { values: number[] } | RandomInputSpec;

const DISTRIBUTIONS = ['normal', 'uniform', 'pairs'];

export function parseInput(value: unknown, errors: ConfigError[]): InputSpec | null {
  const before = errors.length;
  if (!isRecord(value)) {
    errors.push({
      field: 'input',
      value,
      allowed: 'an object: {"values": [...]} or {"distribution", "batch", "width"} (and "correlation" for pairs)',
    });
    return null;
  }
  if ('values' in value) {
    for (const key of Object.keys(value))
      if (key !== 'values')
        errors.push({ field: `input.${key}`, value: value[key], allowed: 'not allowed beside "values"' });
    const values = value.values;
    if (!Array.isArray(values) || values.length < 1 || values.length > MAX_WIDTH) {
      errors.push({ field: 'input.values', value: values, allowed: `a list of 1 to ${MAX_WIDTH} numbers` });
      return null;
    }
    values.forEach((x, i) => {
      checkNumber(`input.values[${i}]`, x, () => true, 'a finite number', errors);
    });
    return errors.length === before ? { values: [...(values as number[])] } : null;
  }
  const pairs = value.distribution === 'pairs';
  const fields = pairs ? ['distribution', 'batch', 'width', 'correlation'] : ['distribution', 'batch', 'width'];
  for (const key of Object.keys(value)) {
    if (!fields.includes(key))
      errors.push({
        field: `input.${key}`,
        value: value[key],
        allowed:
          key === 'correlation'
            ? 'only with "distribution": "pairs"'
            : `one of "values", ${fields.map((f) => `"${f}"`).join(', ')}`,
      });
  }
  if (!DISTRIBUTIONS.includes(value.distribution as string)) {
    errors.push({
      field: 'input.distribution',
      value: value.distribution,
      allowed: '"normal" (N(0,1)), "uniform" (U(-1,1)) or "pairs" (pairs of N(0,1) rows of correlation c₀)',
    });
  }
  checkNumber(
    'input.batch',
    value.batch,
    (x) => Number.isInteger(x) && x >= 1 && x <= MAX_BATCH && (!pairs || x % 2 === 0),
    pairs ? `an even integer from 2 to ${MAX_BATCH}: B/2 pairs of rows` : `an integer from 1 to ${MAX_BATCH}`,
    errors,
  );
  checkNumber(
    'input.width',
    value.width,
    (x) => Number.isInteger(x) && x >= 1 && x <= MAX_WIDTH,
    `an integer from 1 to ${MAX_WIDTH}`,
    errors,
  );
  if (pairs) {
    const allowed = "a number from -1 to 1: each pair's correlation c₀";
    checkNumber('input.correlation', value.correlation, (x) => x >= -1 && x <= 1, allowed, errors);
  }
  if (errors.length !== before) return null;
  const shape = { batch: value.batch as number, width: value.width as number };
  return pairs
    ? { distribution: 'pairs', ...shape, correlation: value.correlation as number }
    : { distribution: value.distribution as 'normal' | 'uniform', ...shape };
}
