import { describe, expect, it } from 'vitest';
import { defaultConfig, formatError, parseConfig } from '../../src/lab/config';
import { makeDataset } from '../../src/lab/datasets';
import { epochOrder, Minibatches } from '../../src/lab/minibatches';
import { datasetShape, splitSizes, type TrainConfig } from '../../src/lab/trainConfig';
import { evaluationSteps, outcomeOf, type TrainHistoryEntry } from '../../src/lab/training';
import { readUrl, writeUrl } from '../../src/ui/urlState';

const train = (raw: object) => {
  const parsed = parseConfig({ train: raw });
  if (!parsed.ok) throw new Error(parsed.errors.map(formatError).join('; '));
  return parsed.config.train;
};

describe('the train config', () => {
  it('defaults to two spirals, SGD with momentum, minibatches of 32, 500 steps evaluated every 10', () => {
    expect(defaultConfig().train).toEqual({
      dataset: { kind: 'spirals', size: 1000, noise: 0.1, test: 0.2 },
      optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9, nesterov: false },
      batch: 32,
      steps: 500,
      evalEvery: 10,
      targetLoss: 0.1,
      coordCheck: false,
    } satisfies TrainConfig);
  });

  it("fills the fields a variant leaves out with its kind's defaults", () => {
    expect(train({ optimizer: { kind: 'adam', lr: 0.01 } }).optimizer).toEqual({
      kind: 'adam',
      lr: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
    });
    expect(train({ dataset: { kind: 'teacher', classes: 0 } }).dataset).toMatchObject({
      kind: 'teacher',
      dim: 32,
      classes: 0,
    });
  });

  it('names every bad field with its value and what is allowed', () => {
    const parsed = parseConfig({
      train: { optimizer: { kind: 'sgd', lr: 0, nesterov: 'yes' }, dataset: { kind: 'moons' }, batch: 0, extra: 1 },
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.map(formatError)).toEqual(
      expect.arrayContaining([
        'train.optimizer.lr = 0: a number above 0 and at most 100',
        'train.optimizer.nesterov = "yes": true or false',
        'train.dataset.kind = "moons": one of "spirals", "circles", "xor", "blobs", "teacher"',
        'train.batch = 0: an integer from 1 to 65536',
        'train.extra = 1: not a field of train (fields: dataset, optimizer, batch, steps, evalEvery, targetLoss, coordCheck)',
      ]),
    );
  });

  it('refuses a minibatch larger than the training set', () => {
    const parsed = parseConfig({ train: { dataset: { kind: 'xor', size: 40, test: 0.5 }, batch: 32 } });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(formatError(parsed.errors[0])).toContain('train.batch = 32: at most the 20 rows');
  });

  it('travels in a link as one parameter per field, only those that differ from their defaults', () => {
    const config = { ...defaultConfig(), train: train({ dataset: { kind: 'circles', size: 500 }, batch: 64 }) };
    const link = writeUrl(config, 'gpu');
    expect(link).toContain('train.dataset=circles:size=500,noise=0.1,test=0.2');
    expect(link).toContain('train.batch=64');
    expect(link).not.toContain('train.optimizer');
    expect(readUrl(link)).toEqual({ config, engine: 'gpu', problems: [] });
    const bad = readUrl('?train.optimizer=adam:lr=-1&train.batch=8');
    expect(bad.config.train.batch).toBe(8);
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]).toContain('train.optimizer.lr = -1');
  });
});

describe('datasets and minibatches', () => {
  it('draws every dataset the same way twice, with its shape, balanced classes and the test set last', () => {
    for (const kind of ['spirals', 'circles', 'xor', 'blobs'] as const) {
      const spec = train({ dataset: { kind, size: 300 } }).dataset;
      const data = makeDataset(spec, 7);
      expect(makeDataset(spec, 7)).toEqual(data);
      expect(makeDataset(spec, 8).train.x).not.toEqual(data.train.x);
      const { train: rows, test } = splitSizes(spec);
      expect([data.train.rows, data.test.rows]).toEqual([rows, test]);
      expect(data.train.x).toHaveLength(rows * 2);
      const classes = datasetShape(spec).classes;
      const counts = new Array(classes).fill(0);
      for (const label of data.train.y) counts[label]++;
      // Spirals, circles and blobs alternate classes by point; xor's are its quadrants, balanced in expectation.
      for (const count of counts) expect(count).toBeGreaterThan((rows / classes) * 0.8);
    }
  });

  it('labels a teacher set by the teacher network, or gives its values for regression', () => {
    const classes = makeDataset(train({ dataset: { kind: 'teacher', size: 200, dim: 8, classes: 3 } }).dataset, 1);
    expect(classes.train.y).toBeInstanceOf(Int32Array);
    expect(new Set(classes.train.y).size).toBeGreaterThan(1);
    const regression = makeDataset(train({ dataset: { kind: 'teacher', size: 200, dim: 8, classes: 0 } }).dataset, 1);
    expect(regression.outputs).toBe(1);
    expect(regression.train.y).toBeInstanceOf(Float64Array);
    expect(regression.train.y).toHaveLength(regression.train.rows);
  });

  it('each epoch is a permutation of the training rows, a different one each epoch and seed', () => {
    const a = epochOrder(3, 97, 0);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 97 }, (_, i) => i));
    expect(epochOrder(3, 97, 1)).not.toEqual(a);
    expect(epochOrder(4, 97, 0)).not.toEqual(a);
  });

  it('cuts each epoch into ⌊N/B⌋ minibatches in order, dropping the remainder', () => {
    const batches = new Minibatches(3, 97, 10);
    expect(batches.perEpoch).toBe(9);
    const epoch = Array.from({ length: 9 }, (_, k) => [...batches.rowsOf(k)]).flat();
    expect(epoch).toEqual([...epochOrder(3, 97, 0).slice(0, 90)]);
    expect([...batches.rowsOf(9)]).toEqual([...epochOrder(3, 97, 1).slice(0, 10)]);
    expect([...batches.rowsOf(3)]).toEqual([...epochOrder(3, 97, 0).slice(30, 40)]);
  });
});

describe('history and outcomes', () => {
  const entry = (step: number, trainLoss: number): TrainHistoryEntry => ({
    step,
    trainLoss,
    trainAccuracy: null,
    testLoss: trainLoss,
    testAccuracy: null,
    layers: [],
  });

  it('evaluates at 0, every evalEvery steps and at the last step', () => {
    expect(evaluationSteps(25, 10)).toEqual([0, 10, 20, 25]);
    expect(evaluationSteps(20, 10)).toEqual([0, 10, 20]);
    expect(evaluationSteps(0, 10)).toEqual([0]);
  });

  it('calls a run trained when it reaches the target, stalled when it never fell below 90 % of its start', () => {
    expect(outcomeOf([entry(0, 1), entry(10, 0.5), entry(20, 0.05)], 0.1, null)).toEqual({
      status: 'trained',
      step: 20,
    });
    expect(outcomeOf([entry(0, 1), entry(10, 0.95), entry(20, 0.91)], 0.1, null)).toEqual({
      status: 'stalled',
      step: null,
    });
    expect(outcomeOf([entry(0, 1), entry(10, 0.5)], 0.1, null)).toEqual({ status: 'unfinished', step: null });
    expect(outcomeOf([entry(0, 1)], 0.1, 7)).toEqual({ status: 'diverged', step: 7 });
  });
});
