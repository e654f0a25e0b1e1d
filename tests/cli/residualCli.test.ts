/** `npm run sweep` and `npm run train` on residual and normalized networks (CPU engine): the stream and branch in JSON and CSV, the export. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { parseConfig } from '../../src/lab/config';
import { TRAIN_CSV_COLUMNS } from '../../src/lab/trainResults';
import { readNpy } from './npyReader';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'initlab-residual-'));

async function command(script: string, ...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run('npx', ['tsx', `src/cli/${script}.ts`, ...args], { cwd: process.cwd() });
    return { code: 0, stdout };
  } catch (e) {
    const failure = e as { code: number; stdout: string };
    return { code: failure.code, stdout: failure.stdout };
  }
}

function configFile(name: string, raw: object): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(raw));
  return path;
}

const MOMENTS = ['mean', 'var', 'meanSq'];

describe('npm run sweep on a residual network', () => {
  it('prints and writes each block’s stream and branch, and with --backward their gradients', async () => {
    const path = configFile('sweep', {
      depth: 3,
      width: 16,
      init: { kind: 'he-normal' },
      input: { distribution: 'normal', batch: 4, width: 8 },
      architecture: { kind: 'residual', norm: 'layer' },
    });
    const [out, csv] = [join(dir, 'sweep.json'), join(dir, 'sweep.csv')];
    const { code, stdout } = await command('sweep', path, '--backward', '--out', out, '--csv', csv);
    expect(code).toBe(0);
    expect(stdout).toContain('Var(x) — the residual stream');
    expect(stdout).toContain('Var(α·F(x)) — each block’s branch');
    const layers = JSON.parse(readFileSync(out, 'utf8')).series[0].layers;
    expect(layers).toHaveLength(3);
    for (const layer of layers)
      for (const q of ['pre', 'post', 'stream', 'branch', 'grad', 'weightGrad', 'streamGrad', 'branchWeightGrad'])
        expect(Object.keys(layer[q])).toEqual(expect.arrayContaining(MOMENTS));
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    const streamRow = rows.find((r) => r.startsWith('"He normal",2,stream,'))!.split(',');
    expect(Number(streamRow[4])).toBe(layers[1].stream.var);
  });
});

describe('npm run train on a residual BatchNorm network', () => {
  const raw = {
    depth: 2,
    width: 8,
    activation: 'relu',
    init: { kind: 'he-normal' },
    architecture: { kind: 'residual', norm: 'batch', branchScale: '1/sqrt(depth)' },
    train: { dataset: { kind: 'blobs', size: 60, classes: 3 }, batch: 8, steps: 6, evalEvery: 3 },
  };

  it('writes the stream and branch of every block in JSON and CSV, as the engine trains, and exports every matrix', async () => {
    const [out, csv, exported] = [join(dir, 'train.json'), join(dir, 'train.csv'), join(dir, 'export')];
    const { code } = await command('train', configFile('train', raw), '--out', out, '--csv', csv, '--export', exported);
    expect(code).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    const parsed = parseConfig(raw);
    if (!parsed.ok) throw new Error('the test config is invalid');
    const local = await (await new CpuEngine().train(parsed.config)).advance(6);
    expect(json.series[0].history).toEqual(local.series[0].history);
    const entry = json.series[0].history[1];
    for (const layer of entry.layers.slice(0, 2)) {
      expect(Object.keys(layer.stream)).toEqual(MOMENTS);
      expect(Object.keys(layer.branch)).toEqual(MOMENTS);
    }
    expect(entry.layers[2].stream).toBeUndefined();
    const cells = readFileSync(csv, 'utf8').trim().split('\n')[1 + 3].split(',');
    expect(Number(cells[TRAIN_CSV_COLUMNS.indexOf('streamMeanSq')])).toBe(entry.layers[0].stream.meanSq);
    expect(Number(cells[TRAIN_CSV_COLUMNS.indexOf('branchVar')])).toBe(entry.layers[0].branch.var);
    const manifest = JSON.parse(readFileSync(join(exported, 'manifest.json'), 'utf8'));
    // W_in, two matrices per block and the readout: 2·depth + 2, each W and b at init and final.
    expect(manifest.files).toHaveLength(5 + 4 * (2 * 2 + 2));
    expect(manifest.model.forward).toContain('x = x + alpha *');
    expect(manifest.model.forward).toContain('BatchNorm over the batch');
    expect(readNpy(join(exported, 's0/W1_init.npy')).shape).toEqual([2, 8]);
    expect(readNpy(join(exported, 's0/W3_final.npy')).shape).toEqual([8, 8]);
    expect(readNpy(join(exported, 's0/W6_final.npy')).shape).toEqual([8, 3]);
  });
});
