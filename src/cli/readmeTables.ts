/** Every table the README generates from the code (`npm run docs`), by the name of its markers: src/lab's and the flag tables of the terminal commands. */
import { LAB_README_TABLES } from '../lab/configDoc';
import { flagReference } from './args';
import { PHASE_FLAGS } from './phaseArgs';
import { SWEEP_FLAGS } from './sweepArgs';
import { TRAIN_FLAGS } from './trainArgs';

export const README_TABLES: { name: string; table: () => string }[] = [
  ...LAB_README_TABLES,
  { name: 'sweep-flags', table: () => flagReference(SWEEP_FLAGS) },
  { name: 'phase-flags', table: () => flagReference(PHASE_FLAGS) },
  { name: 'train-flags', table: () => flagReference(TRAIN_FLAGS) },
];
