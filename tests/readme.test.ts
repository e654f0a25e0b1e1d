import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README_TABLES } from '../src/cli/readmeTables';

const readme = readFileSync('README.md', 'utf8');

function section(name: string): string | null {
  const match = readme.match(new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`));
  return match ? match[1] : null;
}

describe('the README documents the config as the code defines it', () => {
  for (const { name, table } of README_TABLES) {
    it(`the ${name} table is the one the code generates (npm run docs regenerates it)`, () => {
      expect(section(name)).toBe(table());
    });
  }

  it('gives the two commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });
});
