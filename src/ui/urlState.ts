/**
 * The whole experiment in the URL's query, one parameter per config field (the field table names them):
 *   ?seed=1&trials=1&depth=8&width=10&bias=0&activation=relu&input=1,2,3,4,5
 *    &sweep=normal:sigma=1e-5;xavier-normal;he-normal:mode=fan_out&engine=gpu
 * `input` is a list of numbers (the fixed X), `normal:batch=256,width=10` or `pairs:batch=32,width=64,correlation=0.5`;
 * `bias` a number or `normal:sigma=0.05`; `phase`, when the config has a grid, `sigmaW:0.3,3,10;sigmaB:0,0.7,8`.
 * Each field is validated on its own, so a bad one falls back to its default and the rest of the link still applies.
 */
import {
  defaultConfig,
  type ExperimentConfig,
  formatError,
  GRID_FIELDS,
  NESTED_FIELDS,
  type NestedFieldName,
  type PhaseSpec,
  parseConfig,
} from '../lab/config';
import { scalarFields } from '../lab/configFields';
import { type EngineChoice, engineChoices } from '../lab/engine';
import type { InitSpec } from '../lab/initializers';
import type { ObjectSpec } from '../lab/schema';
import { WIDTH_PREFIX } from './widthUrl';

/** The reader's experiment and engine choice: what the URL holds and every section derives its run from. */
export interface LabState {
  config: ExperimentConfig;
  engine: EngineChoice;
}

export interface UrlState {
  config: ExperimentConfig;
  engine: EngineChoice | null;
  /** One readable line per rejected parameter: field, value, what is allowed, what was used instead. */
  problems: string[];
}

/** A number where the text is one, else the text itself, so an error can quote what the user wrote. */
function scalar(text: string): number | string {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

/** "kind:key=value,key=value" → {kind, key: value, ...}; every key an own property, "__proto__" too. */
function keyed(text: string, head: string): Record<string, unknown> {
  const [name, rest = ''] = text.split(':', 2);
  const pairs = rest
    .split(',')
    .filter((p) => p.trim() !== '')
    .map((pair) => {
      const [key, value = ''] = pair.split('=', 2);
      return [key.trim(), scalar(value)] as const;
    });
  return Object.fromEntries([[head, name.trim()], ...pairs]);
}

/** A number, or an initializer written `kind:key=value` (the bias's `normal:sigma=0.05`). */
export function parseNumberOrSpec(text: string): unknown {
  return text.includes(':') ? keyed(text, 'kind') : scalar(text);
}

/** The other way: `{kind, key: value}` → `kind:key=value`; a number as itself. */
export function formatNumberOrSpec(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  const { kind, ...rest } = value as Record<string, unknown>;
  return `${kind}:${Object.entries(rest)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`;
}

export function parseInputText(text: string): unknown {
  if (text.includes(':')) return keyed(text, 'distribution');
  return { values: text.split(',').map(scalar) };
}

export function parseSweepText(text: string): unknown[] {
  return text
    .split(';')
    .filter((item) => item.trim() !== '')
    .map((item) => keyed(item, 'kind'));
}

/** `sigmaW:0.3,3,10;sigmaB:0,0.7,8` → {"sigmaW": [0.3, 3, 10], "sigmaB": [0, 0.7, 8]}; every key an own property. */
export function parsePhaseText(text: string): unknown {
  const axes = text
    .split(';')
    .filter((item) => item.trim() !== '')
    .map((item) => {
      const [name, values = ''] = item.split(':', 2);
      return [name.trim(), values.split(',').map(scalar)] as const;
    });
  return Object.fromEntries(axes);
}

export function formatPhase(phase: PhaseSpec): string {
  return `sigmaW:${phase.sigmaW.join(',')};sigmaB:${phase.sigmaB.join(',')}`;
}

export function formatSweep(sweep: InitSpec[]): string {
  return sweep
    .map(({ kind, ...rest }) => {
      const pairs = Object.entries(rest).map(([k, v]) => `${k}=${v}`);
      return pairs.length ? `${kind}:${pairs.join(',')}` : kind;
    })
    .join(';');
}

export function formatInput(config: ExperimentConfig): string {
  const input = config.input;
  if ('values' in input) return input.values.join(',');
  const pairs = input.distribution === 'pairs' ? `,correlation=${input.correlation}` : '';
  return `${input.distribution}:batch=${input.batch},width=${input.width}${pairs}`;
}

/** "kind:key=value,…" with the values of a variant field (`train.dataset`), booleans read as such. */
function parseVariantText(text: string): unknown {
  const object = keyed(text, 'kind');
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, typeof v === 'string' ? booleanText(v) : v]));
}

/** "64,128" as a list of numbers, "64" as a number. */
function listOrScalar(text: string): unknown {
  return text.includes(',') ? text.split(',').map(scalar) : scalar(text);
}

/** true and false read as booleans; anything else kept, for the error to quote. */
function booleanText(text: string): unknown {
  return text === 'true' ? true : text === 'false' ? false : text;
}

const PARSE_BY_TYPE: Record<string, (text: string) => unknown> = {
  variant: parseVariantText,
  enum: (text) => text,
  boolean: booleanText,
  int: scalar,
  number: scalar,
  // "0.5" as a number, "1/sqrt(depth)" as its text.
  numberOrText: scalar,
};

const PARSERS: Record<string, (text: string) => unknown> = {
  ...Object.fromEntries(
    scalarFields.map((f) => [f.name, f.type === 'enum' ? (t: string) => t : f.random ? parseNumberOrSpec : scalar]),
  ),
  // Width and depth also take a list, "64,128,256": every series at each (grid.ts).
  ...Object.fromEntries(GRID_FIELDS.map((name) => [name, listOrScalar])),
  input: parseInputText,
  sweep: parseSweepText,
  phase: parsePhaseText,
  ...Object.fromEntries(
    Object.entries(NESTED_FIELDS).flatMap(([name, schema]) =>
      Object.entries(schema.fields).map(([key, f]) => [`${name}.${key}`, PARSE_BY_TYPE[f.type]]),
    ),
  ),
};

/** A flat map of dotted parameter names ("train.batch") as the nested object the config parser reads. */
function nest(flat: Record<string, unknown>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(flat)) {
    const [head, tail] = name.split('.', 2);
    if (tail === undefined) raw[head] = value;
    else raw[head] = { ...(raw[head] as object), [tail]: value };
  }
  return raw;
}

/** The parameter an error's field belongs to: the longest parameter name that is the field or a prefix of it. */
function ownerOf(field: string, params: string[]): string | undefined {
  const owns = (p: string) => field === p || field.startsWith(`${p}.`) || field.startsWith(`${p}[`);
  return params.filter(owns).sort((a, b) => b.length - a.length)[0];
}

function describeDefault(field: string, config: ExperimentConfig): string {
  if (field === 'input') return formatInput(config);
  if (field === 'sweep') return formatSweep(config.sweep);
  if (field === 'phase') return config.phase ? formatPhase(config.phase) : 'none';
  const [head, key] = field.split('.', 2);
  if (key !== undefined) return formatNestedField(config, head as NestedFieldName, key);
  return formatNumberOrSpec((config as unknown as Record<string, unknown>)[field]);
}

/** A nested object's field as the URL writes it: a variant as "kind:key=value,…", a number as itself. */
function formatNestedField(config: ExperimentConfig, name: NestedFieldName, key: string): string {
  const value = (config[name] as unknown as Record<string, unknown>)[key];
  if (typeof value !== 'object' || value === null) return String(value);
  const { kind, ...rest } = value as Record<string, unknown>;
  return `${kind}:${Object.entries(rest)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`;
}

export function readUrl(search: string): UrlState {
  const params = new URLSearchParams(search);
  const problems: string[] = [];
  const accepted: Record<string, unknown> = {};
  let engine: EngineChoice | null = null;
  const defaults = defaultConfig();
  for (const [name, text] of params) {
    if (name === 'engine') {
      if ((engineChoices as readonly string[]).includes(text)) engine = text as EngineChoice;
      else problems.push(`engine = "${text}": one of ${engineChoices.join(', ')}; choosing automatically.`);
      continue;
    }
    // The width section reads its own (widthUrl.ts).
    if (name.startsWith(WIDTH_PREFIX)) continue;
    const parser = Object.hasOwn(PARSERS, name) ? PARSERS[name] : undefined;
    if (!parser) {
      problems.push(
        `${name} = "${text}": not a parameter of this page (parameters: ${Object.keys(PARSERS).join(', ')}, engine); ignored.`,
      );
      continue;
    }
    const raw = parser(text);
    const single = parseConfig(nest({ [name]: raw }));
    if (single.ok) accepted[name] = raw;
    else
      problems.push(
        `${single.errors.map(formatError).join('; ')}; using the default ${name} = ${describeDefault(name, defaults)}.`,
      );
  }
  // Fields valid alone can still clash (batch × width); drop the ones the errors name, then retry.
  let result = parseConfig(nest(accepted));
  while (!result.ok) {
    const params = Object.keys(accepted);
    const named = result.errors.map((e) => ownerOf(e.field, params)).filter((p): p is string => p !== undefined);
    const culprit = named.find((f) => f !== 'width') ?? named[0];
    if (!culprit) break;
    problems.push(
      `${result.errors.map(formatError).join('; ')}; using the default ${culprit} = ${describeDefault(culprit, defaults)}.`,
    );
    delete accepted[culprit];
    result = parseConfig(nest(accepted));
  }
  return { config: result.ok ? result.config : defaults, engine, problems };
}

export function writeUrl(config: ExperimentConfig, engine: EngineChoice): string {
  const params = new URLSearchParams();
  for (const field of scalarFields) params.set(field.name, formatNumberOrSpec(config[field.name]));
  for (const name of GRID_FIELDS) {
    const list = config.axes[name];
    if (list) params.set(name, list.join(','));
  }
  params.set('input', formatInput(config));
  params.set('sweep', formatSweep(config.sweep));
  if (config.phase) params.set('phase', formatPhase(config.phase));
  // Nested objects' fields only where they differ from their defaults: most links never train.
  const defaults = defaultConfig();
  for (const [name, schema] of Object.entries(NESTED_FIELDS) as [NestedFieldName, ObjectSpec][]) {
    for (const key of Object.keys(schema.fields)) {
      const text = formatNestedField(config, name, key);
      if (text !== formatNestedField(defaults, name, key)) params.set(`${name}.${key}`, text);
    }
  }
  params.set('engine', engine);
  // The list syntax's separators are legal in a query; leaving them unescaped keeps shared links readable.
  return `?${params.toString().replace(/%3A/g, ':').replace(/%3B/g, ';').replace(/%2C/g, ',').replace(/%3D/g, '=')}`;
}
