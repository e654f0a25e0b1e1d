/** The flags of `npm run train`. */
import { type ArgsResult, COMMON_FLAGS, type CommonArgs, type FlagSpec, parseArgs, usage } from './args';

export const TRAIN_FLAGS: FlagSpec[] = [
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
  {
    flag: '--coord-check',
    kind: 'switch',
    description:
      "μP's coordinate check: record every step and each layer's change since initialization, and print each layer's size against width (width given as a list) with its fitted slope",
  },
  ...COMMON_FLAGS.slice(1),
];

export const USAGE = usage(
  'train',
  'Trains every series of a config (config.train says how; the seed sweep on two spirals when no config is given) and prints each outcome.',
  TRAIN_FLAGS,
);

export interface TrainArgs extends CommonArgs {
  out?: string;
  csv?: string;
  export?: string;
  coordCheck: boolean;
}

export const parseTrainArgs = (argv: string[]): ArgsResult<TrainArgs> => parseArgs<TrainArgs>(argv, TRAIN_FLAGS);
