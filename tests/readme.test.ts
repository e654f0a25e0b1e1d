import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flagReference } from '../src/cli/args';
import { PHASE_FLAGS } from '../src/cli/phaseArgs';
import { SWEEP_FLAGS } from '../src/cli/sweepArgs';
import { configReference, initializerReference, phaseReference } from '../src/lab/configDoc';

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

  it('the phase grid table matches src/lab/configPhase.ts', () => {
    expect(section('phase-reference'), 'regenerate with npm run docs').toBe(phaseReference());
  });

  it('the flag tables of npm run sweep and npm run phase match the tables that parse them', () => {
    expect(section('sweep-flags'), 'regenerate with npm run docs').toBe(flagReference(SWEEP_FLAGS));
    expect(section('phase-flags'), 'regenerate with npm run docs').toBe(flagReference(PHASE_FLAGS));
  });

  it('gives the two commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });
});
