/** `npm run train` end to end on the CPU engine: exit codes, JSON, CSV, and the NumPy export read back. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTrainArgs } from '../../src/cli/trainArgs';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { type ExperimentConfig, parseConfig } from '../../src/lab/config';
import { makeDataset } from '../../src/lab/datasets';
import { Minibatches } from '../../src/lab/minibatches';
import { TRAIN_CSV_COLUMNS } from '../../src/lab/trainResults';
import { readNpy } from './npyReader';
import { runCommand } from './runCommand';

const dir = mkdtempSync(join(tmpdir(), 'initlab-train-'));

const train = (...args: string[]) => runCommand('train', ...args);

function configFile(name: string, raw: object): { path: string; config: ExperimentConfig } {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(raw));
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error('the test config is invalid');
  return { path, config: parsed.config };
}

const classes = configFile('blobs', {
  depth: 2,
  width: 8,
  activation: 'tanh',
  sweep: [{ kind: 'he-normal' }, { kind: 'zeros' }],
  train: { dataset: { kind: 'blobs', size: 60, classes: 3 }, batch: 8, steps: 12, evalEvery: 5 },
});

describe('npm run train on the CPU engine', () => {
  const [out, csv, exported] = [join(dir, 'out.json'), join(dir, 'out.csv'), join(dir, 'export')];
  let result: { code: number; stdout: string; stderr: string };
  beforeAll(async () => {
    result = await train(classes.path, '--out', out, '--csv', csv, '--export', exported);
  }, 60_000);

  it('exits 0 after its estimate and prints one row per series with its outcome', () => {
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Estimate, CPU: [\d.e+]+ multiply–adds: about/);
    expect(result.stdout).toMatch(/series\s+outcome\s+steps to 0\.1\s+last entry\s+train loss/);
    expect(result.stdout).toMatch(/^He normal .*\s12\s/m);
    expect(result.stdout).toMatch(/^Zeros\s+stalled/m);
  });

  it('writes the JSON of the issue: the sweep shape plus each series history and outcome, as the engine trained', async () => {
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(json)).toEqual(['config', 'engine', 'timings', 'step', 'finished', 'series']);
    expect(json).toMatchObject({ engine: 'cpu', step: 12, finished: true });
    expect(Object.keys(json.series[0])).toEqual([
      'label',
      'init',
      'width',
      'depth',
      'parametrization',
      'lr',
      'outcome',
      'history',
    ]);
    const entry = json.series[0].history[1];
    expect(Object.keys(entry)).toEqual(['step', 'trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy', 'layers']);
    expect(entry.layers.map((l: { layer: number }) => l.layer)).toEqual([1, 2, 3]);
    expect(Object.keys(entry.layers[2])).toEqual(['layer', 'pre', 'post', 'weightGrad', 'updateRatio', 'flags']);
    expect(Object.keys(entry.layers[2].pre)).toEqual(['mean', 'var', 'meanSq', 'meanAbs']);
    expect(entry.layers[2].post).toBeNull();
    expect(Object.keys(json.series[1].outcome)).toEqual(['status', 'step']);
    const local = await (await new CpuEngine().train(classes.config)).advance(12);
    expect(json.series.map((s: { history: unknown }) => s.history)).toEqual(local.series.map((s) => s.history));
  });

  it('writes the CSV: one row per series, entry and layer, with the JSON values in full', () => {
    const json = JSON.parse(readFileSync(out, 'utf8'));
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(TRAIN_CSV_COLUMNS.join(','));
    const entries = json.series.reduce((n: number, s: { history: unknown[] }) => n + s.history.length, 0);
    expect(lines).toHaveLength(1 + entries * 3);
    const cells = lines[1 + 3 + 2].split(',');
    const entry = json.series[0].history[1];
    const at = (column: (typeof TRAIN_CSV_COLUMNS)[number]) => cells[TRAIN_CSV_COLUMNS.indexOf(column)];
    expect([at('series'), at('label'), at('step')]).toEqual(['0', '"He normal"', '5']);
    expect([at('width'), at('depth'), at('parametrization')]).toEqual(['8', '2', 'standard']);
    expect(Number(at('trainLoss'))).toBe(entry.trainLoss);
    expect(Number(at('preMeanAbs'))).toBe(entry.layers[2].pre.meanAbs);
    expect(at('postMeanAbs')).toBe('');
    expect(Number(cells[TRAIN_CSV_COLUMNS.indexOf('preVar')])).toBe(entry.layers[2].pre.var);
    expect(cells[TRAIN_CSV_COLUMNS.indexOf('updateRatio')]).toBe(String(entry.layers[2].updateRatio));
    expect(lines[1].split(',')[TRAIN_CSV_COLUMNS.indexOf('updateRatio')]).toBe('');
  });

  it('exports the datasets and minibatches as the stream draws them, and each series parameters before and after', async () => {
    const manifest = JSON.parse(readFileSync(join(exported, 'manifest.json'), 'utf8'));
    for (const file of manifest.files) {
      const read = readNpy(join(exported, file.path));
      expect([read.descr, read.shape, read.fortranOrder]).toEqual([file.dtype, file.shape, false]);
    }
    expect(manifest.files).toHaveLength(5 + 2 * 3 * 4);
    const data = makeDataset(classes.config.train.dataset, classes.config.seed);
    expect(readNpy(join(exported, 'train_x.npy'))).toMatchObject({ shape: [48, 2], data: data.train.x });
    expect(readNpy(join(exported, 'train_y.npy'))).toMatchObject({ descr: '<i4', shape: [48], data: data.train.y });
    expect(readNpy(join(exported, 'test_x.npy')).data).toEqual(data.test.x);
    expect(readNpy(join(exported, 'test_y.npy')).data).toEqual(data.test.y);
    const batches = readNpy(join(exported, 'batches.npy'));
    const minibatches = new Minibatches(classes.config.seed, 48, 8);
    expect(batches.shape).toEqual([12, 8]);
    for (let u = 0; u < 12; u++) expect(batches.data.subarray(8 * u, 8 * u + 8)).toEqual(minibatches.rowsOf(u));
    const session = await new CpuEngine().train(classes.config);
    const initial = [await session.parameters(0), await session.parameters(1)];
    await session.advance(12);
    for (const s of [0, 1]) {
      const final = await session.parameters(s);
      for (let l = 1; l <= 3; l++) {
        expect(readNpy(join(exported, `s${s}/W${l}_init.npy`)).data).toEqual(initial[s].weights[l - 1]);
        expect(readNpy(join(exported, `s${s}/b${l}_init.npy`)).data).toEqual(initial[s].biases[l - 1]);
        expect(readNpy(join(exported, `s${s}/W${l}_final.npy`)).data).toEqual(final.weights[l - 1]);
        expect(readNpy(join(exported, `s${s}/b${l}_final.npy`)).data).toEqual(final.biases[l - 1]);
      }
    }
    expect(readNpy(join(exported, 's0/W1_init.npy')).shape).toEqual([2, 8]);
    expect(readNpy(join(exported, 's0/W3_final.npy')).shape).toEqual([8, 3]);
    expect(manifest.model.widths).toEqual([2, 8, 8, 3]);
  });

  it('exports regression targets as [N × outputs] float64', async () => {
    const regression = configFile('teacher', {
      depth: 1,
      width: 4,
      init: { kind: 'lecun-normal' },
      train: { dataset: { kind: 'teacher', size: 40, dim: 3, classes: 0 }, batch: 4, steps: 3 },
    });
    const target = join(dir, 'regression');
    expect((await train(regression.path, '--export', target)).code).toBe(0);
    const data = makeDataset(regression.config.train.dataset, regression.config.seed);
    expect(readNpy(join(target, 'train_y.npy'))).toMatchObject({ descr: '<f8', shape: [32, 1], data: data.train.y });
    expect(JSON.parse(readFileSync(join(target, 'manifest.json'), 'utf8')).model.loss).toContain('MSELoss');
    expect(existsSync(join(target, 's0/W2_final.npy'))).toBe(true);
  });
});

describe('npm run train refuses what it cannot do, in a sentence', () => {
  it('exits 2 on bad train fields, naming each, with no stack trace', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ train: { batch: 5000, optimizer: { kind: 'adam', lr: -1 } } }));
    const { code, stderr } = await train(path);
    expect(code).toBe(2);
    expect(stderr).toContain('train.batch = 5000: at most the 800 rows of the training set');
    expect(stderr).toContain('train.optimizer.lr = -1');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('a training estimated past an hour stops without a terminal, naming --yes', async () => {
    const path = join(dir, 'huge.json');
    writeFileSync(path, JSON.stringify({ depth: 100, width: 4096, train: { steps: 10_000_000 } }));
    const { code, stderr, stdout } = await train(path);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Estimate, CPU: [\d.]+e\+\d+ multiply–adds: about [\d.]+ (years|days)/);
    expect(stderr).toContain('Run it again with --yes');
    expect(stdout).toBe('');
  });

  it('--help prints the flags, and a bad flag exits 2 with the usage', async () => {
    const help = await train('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run train -- [CONFIG.json] [--engine NAME] [--out FILE] [--csv FILE]');
    expect(help.stdout).toContain('--export DIR');
    const bad = await train('--exprot', 'x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--exprot: not a flag');
  });
});

describe('train flags', () => {
  it('parses the engine, the outputs, the export directory and the config path', () => {
    expect(parseTrainArgs(['c.json', '--engine=gpu', '--out', 'r.json', '--csv', 'r.csv', '--export', 'run'])).toEqual({
      ok: true,
      args: {
        configPath: 'c.json',
        engine: 'gpu',
        out: 'r.json',
        csv: 'r.csv',
        export: 'run',
        help: false,
        yes: false,
        coordCheck: false,
      },
    });
    expect(parseTrainArgs(['--export'])).toEqual({ ok: false, message: '--export = missing: a directory path' });
  });
});

describe('npm run train --coord-check', () => {
  it('trains a width list recording every step and prints each layer against width with its slope', async () => {
    const grid = configFile('coord', {
      depth: 2,
      width: [16, 32, 64],
      sweep: [{ kind: 'he-normal' }],
      train: { dataset: { kind: 'blobs', size: 80 }, batch: 16, steps: 2, optimizer: { kind: 'sgd', lr: 0.1 } },
    });
    const out = join(dir, 'coord.json');
    const { code, stdout } = await train(grid.path, '--coord-check', '--out', out);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Coordinate check, He normal \(standard\): RMS against width/);
    expect(stdout).toMatch(/step 2\n\s+layer\s+n = 16\s+n = 32\s+n = 64\s+slope/);
    expect(stdout).toMatch(/Z − Z₀ 3 .* -?\d\.\d{3} ± \d\.\d{3}/);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.series.map((s: { width: number }) => s.width)).toEqual([16, 32, 64]);
    const entry = json.series[2].history[2];
    expect(entry.step).toBe(2);
    expect(Object.keys(entry.layers[0].delta)).toEqual(['meanAbs', 'meanSq']);
  }, 60_000);

  it('refuses, in words, a single width or a long training', async () => {
    const single = configFile('single', { width: 16, train: { steps: 2 } });
    const one = await train(single.path, '--coord-check');
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('--coord-check compares widths: give width as a list');
    const long = configFile('long', { width: [16, 32] });
    const many = await train(long.path, '--coord-check');
    expect(many.code).toBe(2);
    expect(many.stderr).toContain('train.steps = 500 would make as many entries; give at most 50');
  }, 60_000);
});
