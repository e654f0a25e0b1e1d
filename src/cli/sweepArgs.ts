/** The flags of `npm run sweep`. */
import { type ArgsResult, COMMON_FLAGS, type CommonArgs, type FlagSpec, parseArgs, usage } from './args';

export const SWEEP_FLAGS: FlagSpec[] = [
  COMMON_FLAGS[0],
  {
    flag: '--backward',
    kind: 'switch',
    description: 'also back-propagate g_L ~ N(0, 1): "grad" (∂L/∂Z) and "weightGrad" (∂L/∂W) per layer',
  },
  {
    flag: '--jacobian',
    kind: 'switch',
    description: 'also the singular values of J = ∂H_L/∂X at the first row of each trial: "jacobian" per series',
  },
  { flag: '--out', kind: 'file', value: 'FILE', description: 'write the results as JSON' },
  { flag: '--csv', kind: 'file', value: 'FILE', description: 'write the results as CSV' },
  ...COMMON_FLAGS.slice(1),
];

export const USAGE = usage(
  'sweep',
  'Runs an InitLab experiment (the seed experiment when no config is given) and prints per-layer variances.',
  SWEEP_FLAGS,
);

export interface SweepArgs extends CommonArgs {
  backward: boolean;
  jacobian: boolean;
  out?: string;
  csv?: string;
}

export const parseSweepArgs = (argv: string[]): ArgsResult<SweepArgs> => parseArgs<SweepArgs>(argv, SWEEP_FLAGS);
