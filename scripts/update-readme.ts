/** Rewrites the generated tables in README.md from src/lab (`npm run docs`). */
import { readFileSync, writeFileSync } from 'node:fs';
import { configReference, initializerReference } from '../src/lab/configDoc';

let readme = readFileSync('README.md', 'utf8');
for (const [name, table] of [
  ['config-reference', configReference()],
  ['initializer-reference', initializerReference()],
]) {
  readme = readme.replace(new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(\\n<!-- ${name}:end -->)`), `$1${table}$2`);
}
writeFileSync('README.md', readme);
