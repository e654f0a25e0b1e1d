import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseSweepArgs } from '../../src/cli/sweepArgs';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'initlab-signal-'));

async function sweep(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/sweep.ts', ...args], { cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failure = e as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('npm run sweep beyond one input’s variance', () => {
  it('a pairs input adds "correlation" to every layer of the JSON and prints its table', async () => {
    const path = join(dir, 'pairs.json');
    const out = join(dir, 'pairs-out.json');
    const config = {
      activation: 'tanh',
      depth: 4,
      width: 32,
      bias: { kind: 'normal', sigma: 0.1 },
      input: { distribution: 'pairs', batch: 8, width: 16, correlation: 0.5 },
      init: { kind: 'he-normal', gain: 2.5 },
    };
    writeFileSync(path, JSON.stringify(config));
    const { code, stdout } = await sweep(path, '--out', out);
    expect(code).toBe(0);
    expect(stdout).toContain("c — mean cosine of each pair's Z (correlation)");
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.config.bias).toEqual({ kind: 'normal', sigma: 0.1 });
    for (const layer of json.series[0].layers)
      expect(Object.keys(layer.correlation)).toEqual(expect.arrayContaining(['mean', 'var', 'meanSq', 'p10']));
  });

  it('--jacobian adds "jacobian" with the singular values to every series and prints their spread', async () => {
    const path = join(dir, 'isometry.json');
    const out = join(dir, 'isometry-out.json');
    const config = {
      activation: 'linear',
      depth: 5,
      width: 16,
      trials: 2,
      input: { distribution: 'normal', batch: 2, width: 16 },
      sweep: [{ kind: 'orthogonal' }, { kind: 'lecun-normal' }],
    };
    writeFileSync(path, JSON.stringify(config));
    const { code, stdout } = await sweep(path, '--jacobian', '--out', out);
    expect(code).toBe(0);
    expect(stdout).toContain('Singular values of J = ∂H_L/∂X at row 0 of each trial');
    const json = JSON.parse(readFileSync(out, 'utf8'));
    const [orthogonal, gaussian] = json.series.map((s: { jacobian: { singularValues: number[] } }) => s.jacobian);
    expect(orthogonal.singularValues).toHaveLength(32);
    for (const s of orthogonal.singularValues) expect(s).toBeCloseTo(1, 12);
    expect(gaussian.p95 / gaussian.p5).toBeGreaterThan(10);
  });

  it('parses --jacobian beside the other switches', () => {
    expect(parseSweepArgs(['--jacobian'])).toEqual({
      ok: true,
      args: { engine: 'cpu', backward: false, jacobian: true, help: false, yes: false },
    });
  });
});
