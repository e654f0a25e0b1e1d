import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configReference, initializerReference } from '../src/lab/configDoc';

const readme = readFileSync('README.md', 'utf8');

function section(name: string): string {
  const match = readme.match(new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`));
  return match ? match[1] : '';
}

describe('the README documents the config as the code defines it', () => {
  it('the config field table matches src/lab/configFields.ts', () => {
    expect(section('config-reference'), 'regenerate with configReference() from src/lab/configDoc.ts').toBe(
      configReference(),
    );
  });

  it('the initializer table matches src/lab/initializers.ts', () => {
    expect(section('initializer-reference'), 'regenerate with initializerReference()').toBe(initializerReference());
  });

  it('gives the two commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });
});
