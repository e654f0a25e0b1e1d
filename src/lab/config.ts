/**
 * The experiment config: parsed from JSON (a file, the URL, the controls), validated field by field.
 * Every bad field gives an error naming the field, the value and what is allowed; nothing is silently defaulted.
 */
import type { ActivationName } from './activations';
import {
  ARCHITECTURE_SCHEMA,
  type ArchitectureConfig,
  architectureErrors,
  describeArchitecture,
  isPlainMlp,
} from './architecture';
import { type BiasSpec, parseRandomBias } from './bias';
import { MAX_ELEMENTS_PER_LAYER, MAX_ORTHOGONAL_WIDTH, scalarFields } from './configFields';
import { checkGridSize, GRID_FIELDS, type GridAxes, parseGridList, takeLrList } from './configGrid';
import { type InputSpec, type PairsInputSpec, parseInput } from './configInput';
import { type PhaseSpec, parsePhase } from './configPhase';
import { parseSweep } from './configSweep';
import { type ConfigError, checkScalar, isRecord, MAX_CONFIG_NESTING, nestingDepth } from './configValues';
import type { InitSpec } from './initializers';
import { PARAMETRIZATION_SCHEMA, type ParametrizationConfig } from './parametrization';
import { defaultObject, type ObjectSpec, parseObject } from './schema';
import { MAX_DATASET_ELEMENTS, splitSizes, TRAIN_SCHEMA, type TrainConfig } from './trainConfig';

export type { GridAxes } from './configGrid';
export { GRID_FIELDS, MAX_GRID_VALUES } from './configGrid';
export type { InputSpec, PairsInputSpec, RandomInputSpec } from './configInput';
export type { PhaseAxis, PhaseSpec } from './configPhase';
export { type ConfigError, formatError, formatValue } from './configValues';

export interface ExperimentConfig {
  seed: number;
  trials: number;
  depth: number;
  width: number;
  /** One constant for every unit, or a random bias drawn per unit (src/lab/bias.ts). */
  bias: BiasSpec;
  activation: ActivationName;
  /** Leaky ReLU's negative slope; read by the activations through ActivationParams. */
  slope: number;
  input: InputSpec;
  /** One series per spec: the resolved form of `init` or `sweep`. */
  sweep: InitSpec[];
  /** What training does with every series (trainConfig.ts); the experiments at initialization ignore it. */
  train: TrainConfig;
  /** How initialization, layer outputs and learning rates scale with width (parametrization.ts). */
  parametrization: ParametrizationConfig;
  /** Plain or residual, with or without normalization (architecture.ts). */
  architecture: ArchitectureConfig;
  /**
   * `width`, `depth` and `train.optimizer.lr` given as lists (grid.ts): every series at every listed value. Null where
   * the field is one number; the field then holds the first entry.
   */
  axes: GridAxes;
  /** The grid of a phase diagram (configPhase.ts): read by `npm run phase` and the page's phase diagram only. */
  phase?: PhaseSpec;
}

/** The config's nested objects, each declared by its typed table (schema.ts): parsed, written to the URL and documented alike. */
export const NESTED_FIELDS = {
  train: TRAIN_SCHEMA,
  parametrization: PARAMETRIZATION_SCHEMA,
  architecture: ARCHITECTURE_SCHEMA,
} as const satisfies Record<string, ObjectSpec>;
export type NestedFieldName = keyof typeof NESTED_FIELDS;

export type ParseResult = { ok: true; config: ExperimentConfig } | { ok: false; errors: ConfigError[] };

export const SEED_INPUT = [1, 2, 3, 4, 5];
/** The random batch a reader switching from the fixed input starts from: 256 rows of N(0, 1), as wide as the seed's layers. */
export const DEFAULT_RANDOM_INPUT = { distribution: 'normal', batch: 256, width: 10 } as const;
export const SEED_SIGMAS = [1e-5, 1e-3, 1e-2, 1e-1, 0.5];

/** The seed experiment: X = [1..5], 8 hidden layers of 10, b = 0, ReLU, W ~ N(0, σ²) for five σ. */
export function defaultConfig(): ExperimentConfig {
  const scalars = Object.fromEntries(scalarFields.map((f) => [f.name, f.default]));
  return {
    ...(scalars as Pick<ExperimentConfig, 'seed' | 'trials' | 'depth' | 'width' | 'bias' | 'activation' | 'slope'>),
    input: { values: [...SEED_INPUT] },
    sweep: SEED_SIGMAS.map((sigma) => ({ kind: 'normal', sigma })),
    train: defaultObject(TRAIN_SCHEMA) as unknown as TrainConfig,
    parametrization: defaultObject(PARAMETRIZATION_SCHEMA) as unknown as ParametrizationConfig,
    architecture: defaultObject(ARCHITECTURE_SCHEMA) as unknown as ArchitectureConfig,
    axes: { width: null, depth: null, lr: null },
  };
}

const TOP_LEVEL = new Set([
  ...scalarFields.map((f) => f.name as string),
  'input',
  'init',
  'sweep',
  'phase',
  ...Object.keys(NESTED_FIELDS),
]);

/** Validates a parsed JSON value. Absent fields take the seed experiment's values; present ones must be valid. */
function tooDeep(): ParseResult {
  const allowed = `the config nests deeper than ${MAX_CONFIG_NESTING} levels; no field of a config needs more than 4`;
  return { ok: false, errors: [{ field: '(config)', value: '(nested objects and lists)', allowed }] };
}

export function parseConfig(raw: unknown): ParseResult {
  if (!isRecord(raw)) return { ok: false, errors: [{ field: '(config)', value: raw, allowed: 'a JSON object' }] };
  if (nestingDepth(raw) > MAX_CONFIG_NESTING) return tooDeep();
  const errors: ConfigError[] = [];
  const config = defaultConfig();
  for (const key of Object.keys(raw)) {
    if (!TOP_LEVEL.has(key))
      errors.push({
        field: key,
        value: raw[key],
        allowed: `not a config field (fields: ${[...TOP_LEVEL].join(', ')})`,
      });
  }
  for (const field of scalarFields) {
    const value = raw[field.name];
    if (value === undefined) continue;
    if (field.type === 'number' && field.random && isRecord(value)) {
      const spec = parseRandomBias(value, field.name, errors);
      if (spec) (config as unknown as Record<string, unknown>)[field.name] = spec;
      continue;
    }
    const grid = (GRID_FIELDS as readonly string[]).includes(field.name);
    if (grid && Array.isArray(value)) {
      const list = parseGridList(field, value, errors);
      if (list) {
        (config as unknown as Record<string, unknown>)[field.name] = list[0];
        config.axes[field.name as keyof GridAxes] = list;
      }
      continue;
    }
    const error = checkScalar(field, value);
    if (error) errors.push(grid ? { ...error, allowed: `${error.allowed}, or a list of such` } : error);
    else (config as unknown as Record<string, unknown>)[field.name] = value;
  }
  if (raw.input !== undefined) {
    const input = parseInput(raw.input, errors);
    if (input) config.input = input;
  }
  if (raw.phase !== undefined) {
    const phase = parsePhase(raw.phase, errors);
    if (phase) config.phase = phase;
  }
  const sweep = parseSweep(raw, errors);
  if (sweep?.length) config.sweep = sweep;
  const { train, lrs } = takeLrList(raw.train, errors);
  config.axes.lr = lrs;
  config.train = parseObject(TRAIN_SCHEMA, train, 'train', errors) as unknown as TrainConfig;
  checkGridSize(config.sweep.length, config.axes, errors);
  config.parametrization = parseObject(
    PARAMETRIZATION_SCHEMA,
    raw.parametrization,
    'parametrization',
    errors,
  ) as unknown as ParametrizationConfig;
  config.architecture = parseObject(
    ARCHITECTURE_SCHEMA,
    raw.architecture,
    'architecture',
    errors,
  ) as unknown as ArchitectureConfig;
  errors.push(
    ...architectureErrors(config.architecture, {
      widths: config.axes.width ?? [config.width],
      trainBatch: config.train.batch,
      datasetSize: config.train.dataset.size,
    }),
  );
  if (!isPlainMlp(config.architecture) && typeof config.bias !== 'number')
    errors.push({
      field: 'bias',
      value: config.bias,
      allowed: `a number for a ${describeArchitecture(config.architecture)} network: a random bias is drawn per layer of the plain network without normalization only`,
    });
  const { dataset } = config.train;
  const dim = dataset.kind === 'teacher' ? dataset.dim : 2;
  if (dataset.size * dim > MAX_DATASET_ELEMENTS) {
    errors.push({
      field: 'train.dataset.size',
      value: dataset.size,
      allowed: `size × dimension at most ${MAX_DATASET_ELEMENTS} (2^24) values; with dimension ${dim}, size ≤ ${Math.floor(MAX_DATASET_ELEMENTS / dim)}`,
    });
  }
  const trainRows = splitSizes(config.train.dataset).train;
  if (config.train.batch > trainRows) {
    errors.push({
      field: 'train.batch',
      value: config.train.batch,
      allowed: `at most the ${trainRows} rows of the training set (train.dataset.size × (1 − train.dataset.test))`,
    });
  }
  const rows = 'batch' in config.input ? config.input.batch : 1;
  const widest = Math.max(...(config.axes.width ?? [config.width]), inputWidth(config));
  if (rows * widest > MAX_ELEMENTS_PER_LAYER) {
    errors.push({
      field: 'input.batch',
      value: rows,
      allowed: `batch × width at most ${MAX_ELEMENTS_PER_LAYER} (2^28) elements per layer; with width ${widest}, batch ≤ ${Math.floor(MAX_ELEMENTS_PER_LAYER / widest)}`,
    });
  }
  if (config.sweep.some((spec) => spec.kind === 'orthogonal') && widest > MAX_ORTHOGONAL_WIDTH) {
    errors.push({
      field: 'width',
      value: widest,
      allowed: `at most ${MAX_ORTHOGONAL_WIDTH} (also the input width) with "orthogonal": its QR runs on the CPU in O(n³)`,
    });
  }
  return errors.length ? { ok: false, errors } : { ok: true, config };
}

/**
 * The config as JSON writes it, so that it parses back to itself: a grid's width and depth as their lists, `axes`
 * folded into them.
 */
export function configJson(config: ExperimentConfig): object {
  const { axes, ...rest } = config;
  const { optimizer } = config.train;
  return {
    ...rest,
    width: axes.width ?? config.width,
    depth: axes.depth ?? config.depth,
    train: { ...config.train, optimizer: { ...optimizer, lr: axes.lr ?? optimizer.lr } },
  };
}

/** The deepest bracket nesting of JSON text, outside strings, without parsing it. */
function textNesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') deepest = Math.max(deepest, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return deepest;
}

export function parseConfigText(text: string): ParseResult {
  if (textNesting(text) > MAX_CONFIG_NESTING) return tooDeep();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      errors: [{ field: '(config)', value: text.slice(0, 40), allowed: `valid JSON (${(e as Error).message})` }],
    };
  }
  return parseConfig(raw);
}

/** n_0: the input layer's width. */
export function inputWidth(config: ExperimentConfig): number {
  return 'values' in config.input ? config.input.values.length : config.input.width;
}

/** The pairs input, when the config has one: rows 2k and 2k + 1 form a pair. */
export function pairsInput(config: ExperimentConfig): PairsInputSpec | null {
  return 'distribution' in config.input && config.input.distribution === 'pairs' ? config.input : null;
}

/** Number of input rows (samples) pushed through the network. */
export function batchRows(config: ExperimentConfig): number {
  return 'values' in config.input ? 1 : config.input.batch;
}
