import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { type ExperimentConfig, formatError, parseConfig } from '../../src/lab/config';
import { gridCells, isGrid } from '../../src/lab/grid';
import { resultJson } from '../../src/lab/results';
import { readUrl, writeUrl } from '../../src/ui/urlState';

const engine = new CpuEngine();

function config(raw: Record<string, unknown>): ExperimentConfig {
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error(parsed.errors.map(formatError).join('\n'));
  return parsed.config;
}

function errors(raw: Record<string, unknown>): string[] {
  const parsed = parseConfig(raw);
  return parsed.ok ? [] : parsed.errors.map(formatError);
}

describe('width and depth as axes', () => {
  it('take a list, each entry checked like the number, the grid bounded', () => {
    const c = config({ width: [16, 32, 64], depth: [2, 4] });
    expect(isGrid(c)).toBe(true);
    expect([c.width, c.depth]).toEqual([16, 2]);
    expect(gridCells(c).map((cell) => [cell.depth, cell.width])).toEqual([
      [2, 16],
      [2, 32],
      [2, 64],
      [4, 16],
      [4, 32],
      [4, 64],
    ]);
    expect(gridCells(c).every((cell) => !isGrid(cell.config))).toBe(true);
    expect(errors({ width: [16, 0, 20000] })).toEqual([
      'width[1] = 0: an integer from 1 to 16384',
      'width[2] = 20000: an integer from 1 to 16384',
    ]);
    expect(errors({ width: 'wide' })).toEqual(['width = "wide": an integer from 1 to 16384, or a list of such']);
    expect(errors({ depth: [3, 3] })).toEqual(['depth = [3,3]: a list without repeated entries']);
    expect(errors({ width: [] })).toEqual(['width = []: a list of 1 to 16 entries']);
    expect(
      errors({
        width: [8, 16, 32, 64, 128, 256, 512, 1024, 2048],
        sweep: { kind: 'normal', sigma: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8] },
      })[0],
    ).toContain('at most 64 series in all: 8 initializers × 9 widths × 1 depths × 1 learning rates is 72');
    // The cross-checks see the widest entry.
    expect(errors({ width: [8, 4096], input: { distribution: 'normal', batch: 70000, width: 8 } })[0]).toContain(
      'with width 4096, batch ≤ 65536',
    );
  });

  it('travel in a link as a comma list', () => {
    const c = config({ width: [64, 128], depth: 3 });
    const link = writeUrl(c, 'cpu');
    expect(link).toContain('width=64,128');
    const back = readUrl(link);
    expect(back.problems).toEqual([]);
    expect(back.config.axes).toEqual({ width: [64, 128], depth: null, lr: null });
    expect(readUrl('?width=64,x').problems[0]).toContain('width[1] = "x"');
  });

  it('run every series at every width as one result, each series the run of its own network', async () => {
    const c = config({
      width: [6, 12],
      depth: [2, 3],
      input: { distribution: 'normal', batch: 9, width: 5 },
      sweep: [{ kind: 'he-normal' }, { kind: 'normal', sigma: 0.3 }],
      parametrization: { kind: 'mup' },
    });
    const progress: number[] = [];
    const joined = await engine.run(c, { onProgress: (p) => progress.push(p.done / p.total) });
    expect(joined.config).toBe(c);
    expect(joined.series.map((s) => s.label)).toEqual([
      'He normal · n = 6 · L = 2',
      'σ = 0.3 · n = 6 · L = 2',
      'He normal · n = 12 · L = 2',
      'σ = 0.3 · n = 12 · L = 2',
      'He normal · n = 6 · L = 3',
      'σ = 0.3 · n = 6 · L = 3',
      'He normal · n = 12 · L = 3',
      'σ = 0.3 · n = 12 · L = 3',
    ]);
    for (const [i, cell] of gridCells(c).entries()) {
      const alone = await engine.run(cell.config);
      for (const s of [0, 1]) {
        const series = joined.series[2 * i + s];
        expect(series.layers).toEqual(alone.series[s].layers);
        expect([series.width, series.depth, series.parametrization]).toEqual([cell.width, cell.depth, 'mup']);
      }
    }
    expect(progress.every((f, i) => f >= (progress[i - 1] ?? 0) && f <= 1)).toBe(true);
    expect(progress.at(-1)).toBe(1);
    const json = resultJson(joined) as { series: { width: number; depth: number; parametrization: string }[] };
    expect(json.series[3]).toMatchObject({ width: 12, depth: 2, parametrization: 'mup' });
    const estimate = await engine.estimate(c);
    const cells = await Promise.all(gridCells(c).map((cell) => engine.estimate(cell.config)));
    expect(estimate.macs).toBe(cells.reduce((sum, e) => sum + e.macs, 0));
  });
});

describe('the learning rate as an axis', () => {
  it('takes a list, each entry checked as the optimizer lr', () => {
    const c = config({ train: { optimizer: { kind: 'adam', lr: [0.001, 0.01] } } });
    expect(c.axes.lr).toEqual([0.001, 0.01]);
    expect(c.train.optimizer).toMatchObject({ kind: 'adam', lr: 0.001 });
    expect(errors({ train: { optimizer: { kind: 'sgd', lr: [0.1, 0, 200] } } })).toEqual([
      'train.optimizer.lr[1] = 0: a number above 0 and at most 100',
      'train.optimizer.lr[2] = 200: a number above 0 and at most 100',
    ]);
    // The experiments at initialization train nothing: the lr is no axis there.
    expect(gridCells(c, false)).toHaveLength(1);
  });

  it('trains every series at every width and learning rate as one session, each the training of its own cell', async () => {
    const c = config({
      depth: 2,
      width: [8, 16],
      sweep: [{ kind: 'he-normal' }],
      train: {
        dataset: { kind: 'blobs', size: 60 },
        batch: 12,
        steps: 6,
        evalEvery: 3,
        optimizer: { kind: 'sgd', lr: [0.05, 0.2] },
      },
    });
    const session = await engine.train(c);
    const joined = await session.advance(6);
    expect(joined.series.map((s) => [s.label, s.width, s.lr])).toEqual([
      ['He normal · n = 8 · lr = 0.05', 8, 0.05],
      ['He normal · n = 8 · lr = 0.2', 8, 0.2],
      ['He normal · n = 16 · lr = 0.05', 16, 0.05],
      ['He normal · n = 16 · lr = 0.2', 16, 0.2],
    ]);
    for (const [i, cell] of gridCells(c).entries()) {
      const alone = await (await engine.train(cell.config)).advance(6);
      expect(joined.series[i].history).toEqual(alone.series[0].history);
    }
    const points = Float64Array.from([0.5, -0.5]);
    const [viaGrid, direct] = [
      await session.forward(3, points, false),
      await (await engine.train(gridCells(c)[3].config)).forward(0, points, false),
    ];
    expect(viaGrid.outputs).not.toEqual(direct.outputs);
    session.dispose();
  });
});
