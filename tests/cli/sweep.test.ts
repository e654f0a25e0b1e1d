import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSweepArgs as parseArgs } from '../../src/cli/sweepArgs';
import { runCommand } from './runCommand';

const dir = mkdtempSync(join(tmpdir(), 'initlab-cli-'));

const sweep = (...args: string[]) => runCommand('sweep', ...args);

describe('npm run sweep', () => {
  it('with no config prints the seed experiment table and writes JSON and CSV', async () => {
    const out = join(dir, 'seed.json'),
      csv = join(dir, 'seed.csv');
    const { code, stdout } = await sweep('--out', out, '--csv', csv);
    expect(code).toBe(0);
    expect(stdout).toContain('Var(Z)');
    expect(stdout).not.toContain('∂L');
    expect(stdout).toMatch(/σ = 1e-5\s+σ = 1e-3\s+σ = 0\.01\s+σ = 0\.1\s+σ = 0\.5/);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.engine).toBe('cpu');
    expect(json.config.depth).toBe(8);
    expect(json.series).toHaveLength(5);
    const layer = json.series[0].layers[0];
    expect(layer.layer).toBe(1);
    for (const q of ['pre', 'post'])
      expect(Object.keys(layer[q])).toEqual(expect.arrayContaining(['mean', 'var', 'meanSq']));
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1 + 5 * 8 * 2);
    expect(Number(lines[1].split(',')[4])).toBe(json.series[0].layers[0].pre.var);
  });

  it('runs a config file', async () => {
    const path = join(dir, 'he.json'),
      out = join(dir, 'he-out.json');
    writeFileSync(path, JSON.stringify({ depth: 3, width: 16, init: { kind: 'he-normal' } }));
    const { code, stdout } = await sweep(path, '--out', out);
    expect(code).toBe(0);
    expect(stdout).toContain('He normal');
    expect(JSON.parse(readFileSync(out, 'utf8')).series[0].layers).toHaveLength(3);
  });

  it('--backward prints gradient tables and adds grad and weightGrad, each with mean, var and meanSq, to every layer of the JSON', async () => {
    const out = join(dir, 'backward.json');
    const { code, stdout } = await sweep('--backward', '--out', out);
    expect(code).toBe(0);
    expect(stdout).toContain('Var(∂L/∂Z)');
    expect(stdout).toContain('Var(∂L/∂W)');
    const json = JSON.parse(readFileSync(out, 'utf8'));
    for (const series of json.series) {
      for (const layer of series.layers) {
        for (const q of ['grad', 'weightGrad'])
          expect(Object.keys(layer[q])).toEqual(expect.arrayContaining(['mean', 'var', 'meanSq']));
      }
    }
    expect(json.series[4].layers[7].grad.meanSq).toBeGreaterThan(0);
  });

  it('exits 2 with the validation message and no stack trace on a bad config', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ depth: 0, init: { kind: 'normal', sigma: -1 } }));
    const { code, stderr } = await sweep(path);
    expect(code).toBe(2);
    expect(stderr).toContain('depth = 0: an integer from 1 to 1000');
    expect(stderr).toContain('init.sigma = -1');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on malformed JSON and on a missing file', async () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{"depth": ');
    expect((await sweep(path)).code).toBe(2);
    const missing = await sweep(join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ENOENT');
  });
});

describe('sweep estimates before it runs', () => {
  it('prints the estimate, and a run estimated past an hour stops without a terminal, naming --yes', async () => {
    const path = join(dir, 'huge.json');
    writeFileSync(
      path,
      JSON.stringify({
        depth: 1000,
        width: 16384,
        trials: 1000,
        input: { distribution: 'normal', batch: 16384, width: 16384 },
        init: { kind: 'he-normal' },
      }),
    );
    const refused = await sweep(path);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Estimate, CPU: 4\.40e\+18 multiply–adds: about \d+ years/);
    expect(refused.stderr).toContain('Run it again with --yes');
    expect(refused.stdout).toBe('');
  });

  it('a short run says its estimate and runs', async () => {
    const { code, stderr } = await sweep();
    expect(code).toBe(0);
    expect(stderr).toMatch(/Estimate, CPU: 3\.75e\+3 multiply–adds: about \d+ ms/);
  });
});

describe('sweep flags', () => {
  it('parses the engine, outputs and config path', () => {
    expect(parseArgs(['c.json', '--engine', 'both', '--out=r.json', '--csv', 'r.csv'])).toEqual({
      ok: true,
      args: {
        configPath: 'c.json',
        engine: 'both',
        out: 'r.json',
        csv: 'r.csv',
        backward: false,
        jacobian: false,
        help: false,
        yes: false,
      },
    });
  });

  it('--backward turns the backward pass on', () => {
    expect(parseArgs(['--backward', '--engine', 'gpu'])).toEqual({
      ok: true,
      args: { engine: 'gpu', backward: true, jacobian: false, help: false, yes: false },
    });
  });

  it('names a bad flag value', () => {
    expect(parseArgs(['--engine', 'tpu'])).toEqual({ ok: false, message: '--engine = tpu: one of cpu, gpu, both' });
    expect(parseArgs(['--frobnicate']).ok).toBe(false);
    expect(parseArgs(['a.json', 'b.json']).ok).toBe(false);
  });
});
