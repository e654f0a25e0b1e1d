/** The config's `input`: one fixed sample, or a random batch drawn from the stream. */
import { MAX_BATCH, MAX_WIDTH } from './configFields';
import { type ConfigError, checkNumber, isRecord } from './configValues';
import type { InputDistribution } from './sampling';

export type InputSpec = { values: number[] } | { distribution: InputDistribution; batch: number; width: number };

export function parseInput(value: unknown, errors: ConfigError[]): InputSpec | null {
  const before = errors.length;
  if (!isRecord(value)) {
    errors.push({
      field: 'input',
      value,
      allowed: 'an object: {"values": [...]} or {"distribution", "batch", "width"}',
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
  for (const key of Object.keys(value)) {
    if (!['distribution', 'batch', 'width'].includes(key))
      errors.push({
        field: `input.${key}`,
        value: value[key],
        allowed: 'one of "values", "distribution", "batch", "width"',
      });
  }
  if (value.distribution !== 'normal' && value.distribution !== 'uniform') {
    errors.push({
      field: 'input.distribution',
      value: value.distribution,
      allowed: '"normal" (N(0,1)) or "uniform" (U(-1,1))',
    });
  }
  checkNumber(
    'input.batch',
    value.batch,
    (x) => Number.isInteger(x) && x >= 1 && x <= MAX_BATCH,
    `an integer from 1 to ${MAX_BATCH}`,
    errors,
  );
  checkNumber(
    'input.width',
    value.width,
    (x) => Number.isInteger(x) && x >= 1 && x <= MAX_WIDTH,
    `an integer from 1 to ${MAX_WIDTH}`,
    errors,
  );
  if (errors.length !== before) return null;
  return {
    distribution: value.distribution as InputDistribution,
    batch: value.batch as number,
    width: value.width as number,
  };
}
