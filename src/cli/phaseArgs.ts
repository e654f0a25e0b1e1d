/** The flags of `npm run phase`. */
import { type ArgsResult, COMMON_FLAGS, type CommonArgs, type FlagSpec, parseArgs, usage } from './args';

export const PHASE_FLAGS: FlagSpec[] = [
  {
    flag: '--engine',
    kind: 'engine',
    value: 'NAME',
    description: 'cpu (float64 reference, default) or gpu (every network at once, WebGPU in headless Chromium)',
  },
  { flag: '--out', kind: 'file', value: 'FILE', description: 'write the grid as JSON' },
  ...COMMON_FLAGS.slice(1),
];

export const USAGE = usage(
  'phase',
  'Draws the phase diagram of a config\'s "phase" grid: at every (σ_w, σ_b), q*, χ₁ and the correlation after the last layer, measured and by the mean field.',
  PHASE_FLAGS,
);

export interface PhaseArgs extends CommonArgs {
  out?: string;
}

export function parsePhaseArgs(argv: string[]): ArgsResult<PhaseArgs> {
  const parsed = parseArgs<PhaseArgs>(argv, PHASE_FLAGS);
  if (parsed.ok && parsed.args.engine === 'both') {
    return {
      ok: false,
      message: '--engine = both: cpu or gpu; a phase diagram runs on one engine (compare one point with npm run sweep)',
    };
  }
  return parsed;
}
