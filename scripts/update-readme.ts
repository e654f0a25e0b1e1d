/** Rewrites the generated tables in README.md from src/lab (`npm run docs`). */
import { readFileSync, writeFileSync } from 'node:fs';
import { flagReference } from '../src/cli/args';
import { PHASE_FLAGS } from '../src/cli/phaseArgs';
import { SWEEP_FLAGS } from '../src/cli/sweepArgs';
import { configReference, initializerReference, phaseReference } from '../src/lab/configDoc';

let readme = readFileSync('README.md', 'utf8');
for (const [name, table] of [
  ['config-reference', configReference()],
  ['initializer-reference', initializerReference()],
  ['phase-reference', phaseReference()],
  ['sweep-flags', flagReference(SWEEP_FLAGS)],
  ['phase-flags', flagReference(PHASE_FLAGS)],
]) {
  readme = readme.replace(new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(\\n<!-- ${name}:end -->)`), `$1${table}$2`);
}
writeFileSync('README.md', readme);
