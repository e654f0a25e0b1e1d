/**
 * The pieces every part of config validation shares: an error names the field, the value and what is allowed; a
 * value is printed safely however large or deep it is; nesting is bounded before anything walks it.
 */
import type { ScalarField } from './configFields';

export interface ConfigError {
  field: string;
  value: unknown;
  allowed: string;
}

/** The deepest nesting a config needs is 4 ({"sweep": [{"sigma": [...]}]}); deeper input is refused whole. */
export const MAX_CONFIG_NESTING = 16;
/** How much of a value an error message shows. */
const SHOWN_CHARACTERS = 60;

/** The depth of a JSON value (a scalar is 0), walked without recursion; stops counting past `limit`. */
export function nestingDepth(value: unknown, limit: number = MAX_CONFIG_NESTING): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** At most SHOWN_CHARACTERS of a value, written like JSON, never walking more of it than that needs. */
export function formatValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value === undefined) return 'missing';
  let text = '';
  const write = (node: unknown, depth: number): void => {
    if (text.length > SHOWN_CHARACTERS) return;
    if (typeof node === 'string') text += JSON.stringify(node.slice(0, SHOWN_CHARACTERS + 1));
    else if (typeof node !== 'object' || node === null) text += String(JSON.stringify(node) ?? node);
    else if (depth > 4) text += Array.isArray(node) ? '[...]' : '{...}';
    else if (Array.isArray(node)) {
      text += '[';
      for (let i = 0; i < node.length && text.length <= SHOWN_CHARACTERS; i++) {
        if (i) text += ',';
        write(node[i], depth + 1);
      }
      text += ']';
    } else {
      text += '{';
      Object.keys(node).forEach((key, i) => {
        if (text.length > SHOWN_CHARACTERS) return;
        text += `${i ? ',' : ''}${JSON.stringify(key)}:`;
        write((node as Record<string, unknown>)[key], depth + 1);
      });
      text += '}';
    }
  };
  write(value, 0);
  return text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS - 3)}...` : text;
}

export function formatError(e: ConfigError): string {
  return `${e.field} = ${formatValue(e.value)}: ${e.allowed}`;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

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
  const random = field.random ? ', or a bias initializer such as {"kind": "normal", "sigma": 0.05}' : '';
  return ok ? null : { field: path, value, allowed: `${kind} from ${field.min} to ${field.max}${random}` };
}

export function checkNumber(
  path: string,
  value: unknown,
  test: (x: number) => boolean,
  allowed: string,
  errors: ConfigError[],
) {
  if (typeof value !== 'number' || !Number.isFinite(value) || !test(value))
    errors.push({ field: path, value, allowed });
}
