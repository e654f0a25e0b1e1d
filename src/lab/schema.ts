/**
 * Typed tables for the config's nested objects (`train`): each field declared once with its type, default, bounds and
 * meaning; a variant field is a `kind` with fields of its own. The same table validates input (every bad field named
 * with its value and what is allowed), fills defaults, writes the README's reference rows and reads the URL.
 */
import { type ConfigError, checkNumber, isRecord } from './configValues';

export interface NumberSpec {
  type: 'int' | 'number';
  default: number;
  min: number;
  max: number;
  /** The minimum itself is not allowed (a learning rate of 0). */
  exclusiveMin?: boolean;
  description: string;
}
export interface EnumSpec {
  type: 'enum';
  default: string;
  values: readonly string[];
  description: string;
}
export interface BooleanSpec {
  type: 'boolean';
  default: boolean;
  description: string;
}
/** A number in a range, or one of a few named texts that stand for a number computed later (`"1/sqrt(depth)"`). */
export interface NumberOrTextSpec {
  type: 'numberOrText';
  default: number | string;
  min: number;
  max: number;
  texts: readonly string[];
  description: string;
}
export type ValueSpec = NumberSpec | EnumSpec | BooleanSpec | NumberOrTextSpec;

export interface VariantSpec {
  type: 'variant';
  default: string;
  description: string;
  kinds: Record<string, { summary: string; fields: Record<string, ValueSpec> }>;
}

export interface ObjectSpec {
  type: 'object';
  description: string;
  fields: Record<string, ValueSpec | VariantSpec>;
}

function allowedText(spec: ValueSpec): string {
  if (spec.type === 'enum') return `one of ${spec.values.map((v) => `"${v}"`).join(', ')}`;
  if (spec.type === 'boolean') return 'true or false';
  if (spec.type === 'numberOrText')
    return `a number from ${spec.min} to ${spec.max}, or ${spec.texts.map((t) => `"${t}"`).join(', ')}`;
  const kind = spec.type === 'int' ? 'an integer' : 'a number';
  return `${kind} ${spec.exclusiveMin ? 'above' : 'from'} ${spec.min} ${spec.exclusiveMin ? 'and at most' : 'to'} ${spec.max}`;
}

function parseValue(spec: ValueSpec, raw: unknown, path: string, errors: ConfigError[]): unknown {
  if (raw === undefined) return spec.default;
  const before = errors.length;
  if (spec.type === 'enum') {
    if (typeof raw !== 'string' || !spec.values.includes(raw))
      errors.push({ field: path, value: raw, allowed: allowedText(spec) });
  } else if (spec.type === 'boolean') {
    if (typeof raw !== 'boolean') errors.push({ field: path, value: raw, allowed: allowedText(spec) });
  } else if (spec.type === 'numberOrText') {
    if (typeof raw !== 'string' || !spec.texts.includes(raw))
      checkNumber(path, raw, (x) => x >= spec.min && x <= spec.max, allowedText(spec), errors);
  } else {
    const inRange = (x: number) =>
      (spec.type === 'number' || Number.isInteger(x)) &&
      (spec.exclusiveMin ? x > spec.min : x >= spec.min) &&
      x <= spec.max;
    checkNumber(path, raw, inRange, allowedText(spec), errors);
  }
  return errors.length === before ? raw : spec.default;
}

function parseFields(
  fields: Record<string, ValueSpec>,
  raw: Record<string, unknown>,
  path: string,
  errors: ConfigError[],
  skip: string[],
) {
  for (const key of Object.keys(raw)) {
    if (!skip.includes(key) && !Object.hasOwn(fields, key))
      errors.push({
        field: `${path}.${key}`,
        value: raw[key],
        allowed: `not a field here (fields: ${[...skip, ...Object.keys(fields)].join(', ')})`,
      });
  }
  return Object.fromEntries(
    Object.entries(fields).map(([key, spec]) => [key, parseValue(spec, raw[key], `${path}.${key}`, errors)]),
  );
}

function parseVariant(spec: VariantSpec, raw: unknown, path: string, errors: ConfigError[]): Record<string, unknown> {
  if (raw === undefined) return defaultVariant(spec, spec.default);
  if (!isRecord(raw)) {
    errors.push({ field: path, value: raw, allowed: `an object such as {"kind": "${spec.default}"}` });
    return defaultVariant(spec, spec.default);
  }
  const kind = raw.kind ?? spec.default;
  if (typeof kind !== 'string' || !Object.hasOwn(spec.kinds, kind)) {
    errors.push({
      field: `${path}.kind`,
      value: kind,
      allowed: `one of ${Object.keys(spec.kinds)
        .map((k) => `"${k}"`)
        .join(', ')}`,
    });
    return defaultVariant(spec, spec.default);
  }
  return { kind, ...parseFields(spec.kinds[kind].fields, raw, path, errors, ['kind']) };
}

function defaultVariant(spec: VariantSpec, kind: string): Record<string, unknown> {
  const fields = spec.kinds[kind].fields;
  return { kind, ...Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.default])) };
}

/** The object of `spec` read from `raw` (undefined: every default), every bad field named in `errors`. */
export function parseObject(
  spec: ObjectSpec,
  raw: unknown,
  path: string,
  errors: ConfigError[],
): Record<string, unknown> {
  if (raw !== undefined && !isRecord(raw)) {
    errors.push({ field: path, value: raw, allowed: `an object (${spec.description})` });
    return defaultObject(spec);
  }
  const record = (raw ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(spec.fields, key))
      errors.push({
        field: `${path}.${key}`,
        value: record[key],
        allowed: `not a field of ${path} (fields: ${Object.keys(spec.fields).join(', ')})`,
      });
  }
  return Object.fromEntries(
    Object.entries(spec.fields).map(([key, field]) => [
      key,
      field.type === 'variant'
        ? parseVariant(field, record[key], `${path}.${key}`, errors)
        : parseValue(field, record[key], `${path}.${key}`, errors),
    ]),
  );
}

export function defaultObject(spec: ObjectSpec): Record<string, unknown> {
  return parseObject(spec, undefined, '', []);
}

/** README rows: path, what is allowed, default, meaning; a variant lists its kinds, then each kind's fields. */
export function referenceRows(spec: ObjectSpec, path: string): string[][] {
  return Object.entries(spec.fields).flatMap(([key, field]) => {
    const at = `${path}.${key}`;
    if (field.type !== 'variant') return [[at, allowedText(field), JSON.stringify(field.default), field.description]];
    const kinds = Object.entries(field.kinds);
    return [
      [`${at}.kind`, kinds.map(([k]) => `\`"${k}"\``).join(', '), JSON.stringify(field.default), field.description],
      ...kinds.flatMap(([kind, k]) => [
        [`${at}` + ` (${kind})`, '', '', k.summary],
        ...Object.entries(k.fields).map(([name, f]) => [
          `${at}.${name}`,
          allowedText(f),
          JSON.stringify(f.default),
          f.description,
        ]),
      ]),
    ];
  });
}
