/**
 * The experiment config: parsed from JSON (a file, the URL, the controls), validated field by field.
 * Every bad field gives an error naming the field, the value and what is allowed; nothing is silently defaulted.
 */
import type { ActivationName } from './activations';
import {
  MAX_BATCH,
  MAX_ELEMENTS_PER_LAYER,
  MAX_ORTHOGONAL_WIDTH,
  MAX_SERIES,
  MAX_WIDTH,
  type ScalarField,
  scalarFields,
} from './configFields';
import { type FanMode, type InitKind, type InitSpec, initializers, initKinds } from './initializers';
import type { InputDistribution } from './sampling';

export type InputSpec = { values: number[] } | { distribution: InputDistribution; batch: number; width: number };

export interface ExperimentConfig {
  seed: number;
  trials: number;
  depth: number;
  width: number;
  bias: number;
  activation: ActivationName;
  /** Leaky ReLU's negative slope; read by the activations through ActivationParams. */
  slope: number;
  input: InputSpec;
  /** One series per spec: the resolved form of `init` or `sweep`. */
  sweep: InitSpec[];
}

export interface ConfigError {
  field: string;
  value: unknown;
  allowed: string;
}

export type ParseResult = { ok: true; config: ExperimentConfig } | { ok: false; errors: ConfigError[] };

export const SEED_INPUT = [1, 2, 3, 4, 5];
/** The random batch a reader switching from the fixed input starts from: 256 rows of N(0, 1), as wide as the seed's layers. */
export const DEFAULT_RANDOM_INPUT = { distribution: 'normal', batch: 256, width: 10 } as const;
export const SEED_SIGMAS = [1e-5, 1e-3, 1e-2, 1e-1, 0.5];

/** The seed experiment: X = [1..5], 8 hidden layers of 10, b = 0, ReLU, W ~ N(0, σ²) for five σ. */
export function defaultConfig(): ExperimentConfig {
  const scalars = Object.fromEntries(scalarFields.map((f) => [f.name, f.default]));
  return {
    ...(scalars as Pick<ExperimentConfig, 'seed' | 'trials' | 'depth' | 'width' | 'bias' | 'activation' | 'slope'>),
    input: { values: [...SEED_INPUT] },
    sweep: SEED_SIGMAS.map((sigma) => ({ kind: 'normal', sigma })),
  };
}

export function formatValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function formatError(e: ConfigError): string {
  return `${e.field} = ${formatValue(e.value)}: ${e.allowed}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks one scalar against its table entry; returns an error or the value. */
export function checkScalar(field: ScalarField, value: unknown, path: string = field.name): ConfigError | null {
  if (field.type === 'enum') {
    return typeof value === 'string' && field.values.includes(value)
      ? null
      : { field: path, value, allowed: `one of ${field.values.map((v) => `"${v}"`).join(', ')}` };
  }
  const kind = field.type === 'int' ? 'an integer' : 'a number';
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (field.type === 'number' || Number.isInteger(value)) &&
    value >= field.min &&
    value <= field.max;
  return ok ? null : { field: path, value, allowed: `${kind} from ${field.min} to ${field.max}` };
}

function checkNumber(
  path: string,
  value: unknown,
  test: (x: number) => boolean,
  allowed: string,
  errors: ConfigError[],
) {
  if (typeof value !== 'number' || !Number.isFinite(value) || !test(value))
    errors.push({ field: path, value, allowed });
}

function parseInput(value: unknown, errors: ConfigError[]): InputSpec | null {
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

const SPEC_FIELD_RULES: Record<
  Exclude<keyof InitSpec, 'kind' | 'mode'>,
  { test: (x: number) => boolean; allowed: string }
> = {
  sigma: { test: (x) => x > 0 && x <= 1e6, allowed: 'a number > 0 and ≤ 1e6 (the standard deviation)' },
  a: { test: (x) => x > 0 && x <= 1e6, allowed: 'a number > 0 and ≤ 1e6 (the half-width)' },
  value: { test: (x) => Math.abs(x) <= 1e6, allowed: 'a number from -1e6 to 1e6' },
  gain: { test: (x) => x > 0 && x <= 1e6, allowed: 'a number > 0 and ≤ 1e6' },
};

/** Parses one spec; a list in one numeric field expands it into several (the sweep shorthand). */
function parseSpecs(value: unknown, path: string, errors: ConfigError[]): InitSpec[] {
  if (!isRecord(value)) {
    errors.push({ field: path, value, allowed: 'an initializer object such as {"kind": "he-normal"}' });
    return [];
  }
  const kind = value.kind;
  if (typeof kind !== 'string' || !(initKinds as string[]).includes(kind)) {
    errors.push({ field: `${path}.kind`, value: kind, allowed: `one of ${initKinds.map((k) => `"${k}"`).join(', ')}` });
    return [];
  }
  const initializer = initializers[kind as InitKind];
  const allowedFields: string[] = ['kind', ...initializer.fields];
  const before = errors.length;
  for (const key of Object.keys(value)) {
    if (!allowedFields.includes(key))
      errors.push({
        field: `${path}.${key}`,
        value: value[key],
        allowed: `not a field of "${kind}" (its fields: ${allowedFields.join(', ')})`,
      });
  }
  let listField: string | null = null;
  const base: InitSpec = { kind: kind as InitKind };
  for (const key of initializer.fields) {
    const raw = value[key];
    if (key === 'mode') {
      if (raw !== undefined && raw !== 'fan_in' && raw !== 'fan_out')
        errors.push({ field: `${path}.mode`, value: raw, allowed: '"fan_in" or "fan_out"' });
      else if (raw !== undefined) base.mode = raw as FanMode;
      continue;
    }
    const rule = SPEC_FIELD_RULES[key as keyof typeof SPEC_FIELD_RULES];
    const optional = key === 'gain';
    if (raw === undefined) {
      if (!optional) errors.push({ field: `${path}.${key}`, value: raw, allowed: `required: ${rule.allowed}` });
      continue;
    }
    if (Array.isArray(raw)) {
      if (listField)
        errors.push({
          field: `${path}.${key}`,
          value: raw,
          allowed: `a single number: only one field may be a list (${listField} already is)`,
        });
      else if (raw.length < 1 || raw.length > MAX_SERIES)
        errors.push({ field: `${path}.${key}`, value: raw, allowed: `a list of 1 to ${MAX_SERIES} numbers` });
      else listField = key;
      raw.forEach((x, i) => {
        checkNumber(`${path}.${key}[${i}]`, x, rule.test, rule.allowed, errors);
      });
      continue;
    }
    checkNumber(`${path}.${key}`, raw, rule.test, rule.allowed, errors);
    (base as unknown as Record<string, unknown>)[key] = raw;
  }
  if (errors.length !== before) return [];
  if (!listField) return [base];
  return (value[listField] as number[]).map((x) => ({ ...base, [listField!]: x }));
}

function parseSweep(raw: Record<string, unknown>, errors: ConfigError[]): InitSpec[] | null {
  if (raw.init !== undefined && raw.sweep !== undefined) {
    errors.push({ field: 'init', value: raw.init, allowed: 'either "init" or "sweep", not both' });
    return null;
  }
  if (raw.init !== undefined) {
    if (isRecord(raw.init) && Object.values(raw.init).some(Array.isArray)) {
      errors.push({ field: 'init', value: raw.init, allowed: 'a single initializer; put lists under "sweep"' });
      return null;
    }
    return parseSpecs(raw.init, 'init', errors);
  }
  if (raw.sweep === undefined) return null;
  const items = Array.isArray(raw.sweep) ? raw.sweep : [raw.sweep];
  const prefix = Array.isArray(raw.sweep) ? (i: number) => `sweep[${i}]` : () => 'sweep';
  if (items.length === 0) errors.push({ field: 'sweep', value: raw.sweep, allowed: 'at least one initializer' });
  const specs = items.flatMap((item, i) => parseSpecs(item, prefix(i), errors));
  if (specs.length > MAX_SERIES)
    errors.push({ field: 'sweep', value: `${specs.length} series`, allowed: `at most ${MAX_SERIES} series` });
  return specs;
}

const TOP_LEVEL = new Set([...scalarFields.map((f) => f.name as string), 'input', 'init', 'sweep']);

/** Validates a parsed JSON value. Absent fields take the seed experiment's values; present ones must be valid. */
export function parseConfig(raw: unknown): ParseResult {
  if (!isRecord(raw)) return { ok: false, errors: [{ field: '(config)', value: raw, allowed: 'a JSON object' }] };
  const errors: ConfigError[] = [];
  const config = defaultConfig();
  for (const key of Object.keys(raw)) {
    if (!TOP_LEVEL.has(key))
      errors.push({
        field: key,
        value: raw[key],
        allowed: `not a config field (fields: ${[...TOP_LEVEL].join(', ')})`,
      });
  }
  for (const field of scalarFields) {
    if (raw[field.name] === undefined) continue;
    const error = checkScalar(field, raw[field.name]);
    if (error) errors.push(error);
    else (config as unknown as Record<string, unknown>)[field.name] = raw[field.name];
  }
  if (raw.input !== undefined) {
    const input = parseInput(raw.input, errors);
    if (input) config.input = input;
  }
  const sweep = parseSweep(raw, errors);
  if (sweep?.length) config.sweep = sweep;
  const rows = 'batch' in config.input ? config.input.batch : 1;
  const widest = Math.max(config.width, inputWidth(config));
  if (rows * widest > MAX_ELEMENTS_PER_LAYER) {
    errors.push({
      field: 'input.batch',
      value: rows,
      allowed: `batch × width at most ${MAX_ELEMENTS_PER_LAYER} (2^28) elements per layer; with width ${widest}, batch ≤ ${Math.floor(MAX_ELEMENTS_PER_LAYER / widest)}`,
    });
  }
  if (config.sweep.some((spec) => spec.kind === 'orthogonal') && widest > MAX_ORTHOGONAL_WIDTH) {
    errors.push({
      field: 'width',
      value: widest,
      allowed: `at most ${MAX_ORTHOGONAL_WIDTH} (also the input width) with "orthogonal": its QR runs on the CPU in O(n³)`,
    });
  }
  return errors.length ? { ok: false, errors } : { ok: true, config };
}

export function parseConfigText(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      errors: [{ field: '(config)', value: text.slice(0, 40), allowed: `valid JSON (${(e as Error).message})` }],
    };
  }
  return parseConfig(raw);
}

/** n_0: the input layer's width. */
export function inputWidth(config: ExperimentConfig): number {
  return 'values' in config.input ? config.input.values.length : config.input.width;
}

/** Number of input rows (samples) pushed through the network. */
export function batchRows(config: ExperimentConfig): number {
  return 'values' in config.input ? 1 : config.input.batch;
}
