/** Command-line flags of `npm run sweep`, parsed into a typed value or a message naming the bad flag. */

import { type EngineChoice, engineChoices } from '../lab/engine';

export interface SweepArgs {
  configPath?: string;
  engine: EngineChoice;
  out?: string;
  csv?: string;
  /** Also back-propagate and report grad and weightGrad per layer. */
  backward: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run sweep -- [CONFIG.json] [--engine cpu|gpu|both] [--backward] [--out results.json] [--csv results.csv]

Runs an InitLab experiment (the seed experiment when no config is given) and prints per-layer variances.
  CONFIG.json        experiment config (see README: "Experiment config")
  --engine NAME      cpu (float64 reference, default), gpu (WebGPU in headless Chromium), both (compare them)
  --backward         also back-propagate g_L ~ N(0, 1): "grad" (∂L/∂Z) and "weightGrad" (∂L/∂W) per layer
  --out FILE         write the results as JSON
  --csv FILE         write the results as CSV
  --help             this text`;

export type ArgsResult = { ok: true; args: SweepArgs } | { ok: false; message: string };

export function parseArgs(argv: string[]): ArgsResult {
  const args: SweepArgs = { engine: 'cpu', backward: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--backward':
        args.backward = true;
        break;
      case '--engine': {
        const engine = value();
        if (!(engineChoices as readonly string[]).includes(engine))
          return { ok: false, message: `--engine = ${engine ?? 'missing'}: one of ${engineChoices.join(', ')}` };
        args.engine = engine as EngineChoice;
        break;
      }
      case '--out':
      case '--csv': {
        const file = value();
        if (!file || file.startsWith('--'))
          return { ok: false, message: `${flag} = ${file ?? 'missing'}: a file path` };
        args[flag === '--out' ? 'out' : 'csv'] = file;
        break;
      }
      default:
        if (flag.startsWith('-'))
          return { ok: false, message: `${flag}: not a flag (flags: --engine, --backward, --out, --csv, --help)` };
        if (args.configPath)
          return { ok: false, message: `${flag}: only one config file may be given (already ${args.configPath})` };
        args.configPath = flag;
    }
  }
  return { ok: true, args };
}
