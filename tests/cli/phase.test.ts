import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePhaseArgs } from '../../src/cli/phaseArgs';
import { PHASE_CONFIG, phase } from './phaseCommand';

const dir = mkdtempSync(join(tmpdir(), 'initlab-phase-'));

describe('npm run phase', () => {
  it('prints χ₁ by σ_b and σ_w with the boundary, and writes {"config", "engine", "grid"}', async () => {
    const path = join(dir, 'relu.json');
    const out = join(dir, 'relu-grid.json');
    writeFileSync(path, JSON.stringify(PHASE_CONFIG));
    const { code, stdout, stderr } = await phase(path, '--out', out);
    expect(code).toBe(0);
    expect(stderr).toMatch(/Estimate, CPU: .* multiply–adds/);
    expect(stdout).toContain('The order–chaos boundary χ₁ = 1:');
    // ReLU: χ₁ = σ_w²/2 at every σ_b, so theory puts the boundary at √2 in both rows.
    expect(stdout.match(/theory σ_w = 1\.414/g)).toHaveLength(2);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(json)).toEqual(['config', 'engine', 'timings', 'grid']);
    expect(json.config.phase).toEqual(PHASE_CONFIG.phase);
    expect(json.config.sweep).toBeUndefined();
    expect(json.grid).toHaveLength(10);
    expect(Object.keys(json.grid[0])).toEqual(['sigmaW', 'sigmaB', 'qStar', 'chi1', 'correlation']);
    expect(json.grid[3].chi1.theory).toBeCloseTo(2 ** 2 / 2, 12);
  });

  it('exits 2 with a sentence per problem: no grid, no pairs, fields the grid sets', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ depth: 1, bias: 0.1, init: { kind: 'he-normal' } }));
    const { code, stderr } = await phase(path);
    expect(code).toBe(2);
    expect(stderr).toContain('phase = missing: required');
    expect(stderr).toContain('input = ');
    expect(stderr).toContain('depth = 1: at least 2');
    expect(stderr).toContain('bias: not used by npm run phase');
    expect(stderr).toContain('init: not used by npm run phase');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('takes cpu or gpu, not both', () => {
    expect(parsePhaseArgs(['c.json', '--engine', 'gpu', '--out', 'g.json'])).toEqual({
      ok: true,
      args: { configPath: 'c.json', engine: 'gpu', out: 'g.json', help: false, yes: false },
    });
    const both = parsePhaseArgs(['--engine', 'both']);
    expect(both.ok || both.message).toMatch(/--engine = both: cpu or gpu/);
  });
});
