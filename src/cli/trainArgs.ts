/** The flags of `npm run train`. */
import { type ArgsResult, COMMON_FLAGS, type CommonArgs, type FlagSpec, parseArgs, usage } from './args';

const FLAGS: FlagSpec[] = [
  COMMON_FLAGS[0],
  { flag: '--out', kind: 'file', value: 'FILE', description: 'write the results (histories and outcomes) as JSON' },
  {
    flag: '--csv',
    kind: 'file',
    value: 'FILE',
    description: 'write the histories as CSV: one row per series, entry and layer',
  },
  {
    flag: '--export',
    kind: 'directory',
    value: 'DIR',
    description: 'write the datasets, minibatches and parameters as NumPy .npy files with a manifest.json',
  },
  ...COMMON_FLAGS.slice(1),
];

export const USAGE = usage(
  'train',
  'Trains every series of a config (config.train says how; the seed sweep on two spirals when no config is given) and prints each outcome.',
  FLAGS,
);

export interface TrainArgs extends CommonArgs {
  out?: string;
  csv?: string;
  export?: string;
}

export const parseTrainArgs = (argv: string[]): ArgsResult<TrainArgs> => parseArgs<TrainArgs>(argv, FLAGS);
