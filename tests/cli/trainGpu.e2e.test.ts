/**
 * `npm run train` with the GPU engine, through the headless-Chromium host: it trains, writes the JSON, and with
 * `--engine both` compares the GPU's history with the float64 reference's and exits 0 when they agree.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from './runCommand';

const dir = mkdtempSync(join(tmpdir(), 'initlab-train-gpu-'));

const train = (...args: string[]) => runCommand('train', ...args);

const config = {
  depth: 3,
  width: 16,
  sweep: [{ kind: 'he-normal' }, { kind: 'normal', sigma: 0.01 }],
  train: { dataset: { kind: 'blobs', size: 120 }, batch: 16, steps: 12, evalEvery: 4 },
};

describe('npm run train on the GPU engine', () => {
  it('trains every series and writes the history the JSON describes', async () => {
    const path = join(dir, 'small.json');
    const out = join(dir, 'gpu.json');
    writeFileSync(path, JSON.stringify(config));
    const { code, stderr, stdout } = await train(path, '--engine', 'gpu', '--out', out);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('He normal');
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.engine).toBe('gpu');
    expect(json.series[0].history.map((e: { step: number }) => e.step)).toEqual([0, 4, 8, 12]);
  });

  it('--engine both agrees with the float64 reference and exits 0', async () => {
    const path = join(dir, 'both.json');
    writeFileSync(path, JSON.stringify(config));
    const { code, stderr, stdout } = await train(path, '--engine', 'both');
    expect(code, stderr + stdout).toBe(0);
    expect(stdout).toMatch(/AGREE/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
