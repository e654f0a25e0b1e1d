/**
 * Command-line flags, declared once per command as a table: the same table parses argv into a typed value (or a
 * message naming the bad flag) and writes the usage text.
 */
import { type EngineChoice, engineChoices } from '../lab/engine';

type FlagKind = 'switch' | 'file' | 'directory' | 'engine';

export interface FlagSpec {
  flag: `--${string}`;
  kind: FlagKind;
  /** As the usage text shows the value, e.g. "FILE". */
  value?: string;
  description: string;
}

export interface CommonArgs {
  configPath?: string;
  engine: EngineChoice;
  help: boolean;
  /** Start a run estimated past an hour without asking. */
  yes: boolean;
  [flag: string]: string | boolean | undefined;
}

export type ArgsResult<A> = { ok: true; args: A } | { ok: false; message: string };

const camel = (flag: string) => flag.slice(2).replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/** The flags every command has. */
export const COMMON_FLAGS: FlagSpec[] = [
  {
    flag: '--engine',
    kind: 'engine',
    value: 'NAME',
    description: 'cpu (float64 reference, default), gpu (WebGPU in headless Chromium), both (compare them)',
  },
  { flag: '--yes', kind: 'switch', description: 'start a run estimated past an hour without asking' },
  { flag: '--help', kind: 'switch', description: 'this text' },
];

export function usage(command: string, summary: string, flags: FlagSpec[]): string {
  const shown = flags.map((f) => `[${f.flag}${f.value ? ` ${f.value}` : ''}]`).join(' ');
  const rows = [
    ['CONFIG.json', 'experiment config (see README: "Experiment config")'],
    ...flags.map((f) => [`${f.flag}${f.value ? ` ${f.value}` : ''}`, f.description]),
  ];
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    `Usage: npm run ${command} -- [CONFIG.json] ${shown}`,
    '',
    summary,
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`),
  ].join('\n');
}

export function parseArgs<A extends CommonArgs>(argv: string[], flags: FlagSpec[]): ArgsResult<A> {
  const switches = flags.filter((f) => f.kind === 'switch').map((f) => [camel(f.flag), false]);
  const args = { engine: 'cpu', ...Object.fromEntries(switches) } as CommonArgs;
  const byName = new Map(flags.map((f) => [f.flag as string, f]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const spec = byName.get(name === '-h' ? '--help' : name);
    if (!spec) {
      if (name.startsWith('-'))
        return { ok: false, message: `${name}: not a flag (flags: ${flags.map((f) => f.flag).join(', ')})` };
      if (args.configPath)
        return { ok: false, message: `${name}: only one config file may be given (already ${args.configPath})` };
      args.configPath = name;
      continue;
    }
    if (spec.kind === 'switch') {
      args[camel(spec.flag)] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (spec.kind === 'engine') {
      if (!(engineChoices as readonly string[]).includes(value))
        return { ok: false, message: `--engine = ${value ?? 'missing'}: one of ${engineChoices.join(', ')}` };
      args.engine = value as EngineChoice;
      continue;
    }
    if (!value || value.startsWith('--'))
      return {
        ok: false,
        message: `${spec.flag} = ${value ?? 'missing'}: a ${spec.kind === 'file' ? 'file' : 'directory'} path`,
      };
    args[camel(spec.flag)] = value;
  }
  return { ok: true, args: args as A };
}

/** A command's flags as a Markdown table for the README (npm run docs), from the same table that parses them. */
export function flagReference(flags: FlagSpec[]): string {
  const rows = flags.map((f) => `| \`${f.flag}${f.value ? ` ${f.value}` : ''}\` | ${f.description} |`);
  return ['| flag | meaning |', '|---|---|', ...rows].join('\n');
}
