/** The config's series: `init` (one initializer) or `sweep` (several; a list in one numeric field is shorthand). */
import { MAX_SERIES } from './configFields';
import { type ConfigError, checkNumber, isRecord } from './configValues';
import { type FanMode, type InitKind, type InitSpec, initializers, initKinds } from './initializers';

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

export function parseSweep(raw: Record<string, unknown>, errors: ConfigError[]): InitSpec[] | null {
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
