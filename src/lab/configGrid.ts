/**
 * Fields that take a list as well as a number — `width`, `depth` and `train.optimizer.lr` — each entry validated like
 * the number: the axes of a grid (grid.ts), every series run at every listed value.
 */
import { MAX_SERIES, type ScalarField } from './configFields';
import { type ConfigError, checkScalar, isRecord } from './configValues';
import { parseObject } from './schema';
import { TRAIN_SCHEMA } from './trainConfig';

export interface GridAxes {
  width: number[] | null;
  depth: number[] | null;
  /** Learning rates: the learning-rate transfer of μP, one training per rate. */
  lr: number[] | null;
}

/** Scalar fields that accept a list. */
export const GRID_FIELDS = ['width', 'depth'] as const;
/** Entries of such a list: a power-of-two ladder from 2 to 16384 has 14. */
export const MAX_GRID_VALUES = 16;

/** Checks a list's length and repeats; `entry` checks one entry, returning its error. */
function checkList(
  path: string,
  list: unknown[],
  entry: (value: unknown, at: string) => ConfigError | null,
  errors: ConfigError[],
): number[] | null {
  const before = errors.length;
  if (list.length < 1 || list.length > MAX_GRID_VALUES)
    errors.push({ field: path, value: list, allowed: `a list of 1 to ${MAX_GRID_VALUES} entries` });
  list.forEach((value, i) => {
    const error = entry(value, `${path}[${i}]`);
    if (error) errors.push(error);
  });
  if (errors.length === before && new Set(list).size !== list.length)
    errors.push({ field: path, value: list, allowed: 'a list without repeated entries' });
  return errors.length === before ? (list as number[]) : null;
}

/** A list for a scalar grid field, each entry valid as the field's number. */
export function parseGridList(field: ScalarField, list: unknown[], errors: ConfigError[]): number[] | null {
  return checkList(field.name, list, (value, at) => checkScalar(field, value, at), errors);
}

/**
 * `train.optimizer.lr` as a list: each entry checked as the optimizer's learning rate; the train object to parse
 * holds the first (or no lr, when the list is bad, so its errors are not repeated).
 */
export function takeLrList(rawTrain: unknown, errors: ConfigError[]): { train: unknown; lrs: number[] | null } {
  if (!isRecord(rawTrain) || !isRecord(rawTrain.optimizer) || !Array.isArray(rawTrain.optimizer.lr))
    return { train: rawTrain, lrs: null };
  const optimizer = rawTrain.optimizer;
  const lrError = (value: unknown, at: string): ConfigError | null => {
    const found: ConfigError[] = [];
    parseObject(TRAIN_SCHEMA, { ...rawTrain, optimizer: { ...optimizer, lr: value } }, 'train', found);
    const error = found.find((e) => e.field === 'train.optimizer.lr');
    return error ? { ...error, field: at } : null;
  };
  const lrs = checkList('train.optimizer.lr', optimizer.lr as unknown[], lrError, errors);
  const { lr: _list, ...rest } = optimizer;
  return { train: { ...rawTrain, optimizer: lrs ? { ...rest, lr: lrs[0] } : rest }, lrs };
}

/** Every one of `initializers` series at every grid value: at most MAX_SERIES in all. */
export function checkGridSize(initializers: number, axes: GridAxes, errors: ConfigError[]): void {
  const { width, depth, lr } = axes;
  const counts = [initializers, width?.length ?? 1, depth?.length ?? 1, lr?.length ?? 1];
  const series = counts.reduce((a, b) => a * b);
  if (series <= MAX_SERIES) return;
  const [inits, widths, depths, lrs] = counts;
  errors.push({
    field: width ? 'width' : depth ? 'depth' : 'train.optimizer.lr',
    value: width ?? depth ?? lr,
    allowed: `at most ${MAX_SERIES} series in all: ${inits} initializers × ${widths} widths × ${depths} depths × ${lrs} learning rates is ${series}`,
  });
}
