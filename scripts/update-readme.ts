/** Rewrites the generated tables in README.md from the code's tables (`npm run docs`). */
import { readFileSync, writeFileSync } from 'node:fs';
import { README_TABLES } from '../src/cli/readmeTables';

let readme = readFileSync('README.md', 'utf8');
for (const { name, table } of README_TABLES) {
  const markers = new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(\\n<!-- ${name}:end -->)`);
  if (!markers.test(readme)) throw new Error(`README.md has no <!-- ${name}:start --> … <!-- ${name}:end --> markers`);
  readme = readme.replace(markers, `$1${table()}$2`);
}
writeFileSync('README.md', readme);
