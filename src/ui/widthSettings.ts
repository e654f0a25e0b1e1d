/**
 * The width section's two experiments, the coordinate check and the learning-rate transfer, as configs derived from
 * the section's own settings and the reader's seed and activation. Every setting is checked by the lab's config parser,
 * so a bad one is reported as the parser reports any field (value, what is allowed), under the name of the control.
 * Plain data, no DOM: tests derive the very configs the page trains.
 *
 * The defaults were measured on this project's 2-core machine: the coordinate check's five widths and three steps
 * take about a minute on the CPU worker; the transfer's three widths × seven learning rates × 50 Adam steps, per
 * parametrization, about three minutes, which is why it waits for its button. The readout starts at 0 (mup's
 * recommendation) in every parametrization shown, so that each readout line after step 0 is its updates alone.
 */
import { type ConfigError, type ExperimentConfig, formatError, parseConfig } from '../lab/config';
import { PARAMETRIZATIONS, type ParametrizationKind } from '../lab/parametrization';

/** The parametrizations in the order the section draws them. */
export const KINDS = Object.keys(PARAMETRIZATIONS) as ParametrizationKind[];

export type OptimizerKind = 'sgd' | 'adam';

export interface WidthSettings {
  /** The parametrizations drawn side by side, each a training of its own. */
  kinds: ParametrizationKind[];
  /** Hidden layers. */
  depth: number;
  baseWidth: number;
  readoutZero: boolean;
  coord: { widths: number[]; steps: number; optimizer: OptimizerKind; lr: number };
  transfer: { widths: number[]; lrs: number[]; steps: number; optimizer: OptimizerKind };
}

export const DEFAULT_WIDTH_SETTINGS: WidthSettings = {
  kinds: ['standard', 'mup'],
  depth: 2,
  baseWidth: 64,
  readoutZero: true,
  coord: { widths: [64, 128, 256, 512, 1024], steps: 3, optimizer: 'sgd', lr: 0.1 },
  transfer: {
    widths: [32, 128, 512],
    lrs: [3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3],
    steps: 50,
    optimizer: 'adam',
  },
};

/** A panel per step: past this many the panels are too many to read, and the check looks at the first few updates. */
export const MAX_COORD_STEPS = 8;

/**
 * The data both experiments train on: a random teacher network's 4 classes of 16-dimensional N(0, I) inputs — inputs
 * whose width does not change with the network's, so that only the hidden layers and the readout grow.
 */
const DATASET = { kind: 'teacher', size: 400, dim: 16, classes: 4 } as const;
/** The coordinate check's minibatch: its Z − Z₀ after one update moves with the rows drawn, less with more of them. */
const COORD_BATCH = 64;
const TRANSFER_BATCH = 32;
/** Plain SGD in both, as mup's coordinate check: momentum would carry each update into the next. */
const optimizer = (kind: OptimizerKind, lr: number | number[]) =>
  kind === 'sgd' ? { kind, lr, momentum: 0 } : { kind, lr };

/** The raw config of one experiment, before the parser checks it; `lr` may be a list (a grid axis). */
function rawConfig(
  settings: WidthSettings,
  reader: ExperimentConfig,
  kind: ParametrizationKind,
  run: { widths: number[]; steps: number; optimizer: OptimizerKind; lr: number | number[]; batch: number },
  coordinateCheck: boolean,
): Record<string, unknown> {
  return {
    seed: reader.seed,
    activation: reader.activation,
    slope: reader.slope,
    depth: settings.depth,
    width: run.widths,
    sweep: [{ kind: 'he-normal' }],
    parametrization: { kind, baseWidth: settings.baseWidth, readoutZero: settings.readoutZero },
    train: {
      dataset: DATASET,
      optimizer: optimizer(run.optimizer, run.lr),
      batch: run.batch,
      steps: run.steps,
      // The check records every step; the transfer reads only the last.
      evalEvery: coordinateCheck ? 1 : run.steps,
      coordCheck: coordinateCheck,
    },
  };
}

function parsed(raw: Record<string, unknown>): ExperimentConfig {
  const result = parseConfig(raw);
  if (!result.ok) throw new RangeError(result.errors.map(formatError).join('; '));
  return result.config;
}

/** The coordinate check of one parametrization: He normal over the widths, every step recorded with Z − Z₀. */
export function coordConfig(settings: WidthSettings, reader: ExperimentConfig, kind: ParametrizationKind) {
  const { widths, steps, optimizer, lr } = settings.coord;
  return parsed(rawConfig(settings, reader, kind, { widths, steps, optimizer, lr, batch: COORD_BATCH }, true));
}

/** The learning-rate transfer of one parametrization: one training over the grid of widths × learning rates. */
export function transferConfig(settings: WidthSettings, reader: ExperimentConfig, kind: ParametrizationKind) {
  const { widths, steps, optimizer, lrs } = settings.transfer;
  return parsed(rawConfig(settings, reader, kind, { widths, steps, optimizer, lr: lrs, batch: TRANSFER_BATCH }, false));
}

/** The section's form as text, as the reader typed it. */
export interface WidthForm {
  kinds: ParametrizationKind[];
  depth: string;
  baseWidth: string;
  readoutZero: boolean;
  coordWidths: string;
  coordSteps: string;
  coordOptimizer: OptimizerKind;
  coordLr: string;
  transferWidths: string;
  transferLrs: string;
  transferSteps: string;
  transferOptimizer: OptimizerKind;
}

export function formOf(settings: WidthSettings): WidthForm {
  return {
    kinds: settings.kinds,
    depth: String(settings.depth),
    baseWidth: String(settings.baseWidth),
    readoutZero: settings.readoutZero,
    coordWidths: settings.coord.widths.join(', '),
    coordSteps: String(settings.coord.steps),
    coordOptimizer: settings.coord.optimizer,
    coordLr: String(settings.coord.lr),
    transferWidths: settings.transfer.widths.join(', '),
    transferLrs: settings.transfer.lrs.join(', '),
    transferSteps: String(settings.transfer.steps),
    transferOptimizer: settings.transfer.optimizer,
  };
}

/** A number where the text is one, else the text, so that an error quotes what the reader wrote. */
function scalar(text: string): number | string {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}
const list = (text: string) => text.split(',').map(scalar);

/** The controls' names for the config fields an error can name, most specific first. */
const COORD_NAMES: [string, string][] = [
  ['width', 'coordinate check: widths'],
  ['train.optimizer.kind', 'coordinate check: optimizer'],
  ['train.optimizer.lr', 'coordinate check: learning rate'],
  ['train.steps', 'coordinate check: steps'],
  ['parametrization.baseWidth', 'base width'],
  ['parametrization.readoutZero', 'readout starts at 0'],
  ['depth', 'depth'],
];
const TRANSFER_NAMES: [string, string][] = [
  ['width', 'learning-rate transfer: widths'],
  ['train.optimizer.kind', 'learning-rate transfer: optimizer'],
  ['train.optimizer.lr', 'learning-rate transfer: learning rates'],
  ['train.steps', 'learning-rate transfer: steps'],
  ['parametrization.baseWidth', 'base width'],
  ['parametrization.readoutZero', 'readout starts at 0'],
  ['depth', 'depth'],
];

/** The error with its field named as the control is: "width[2]" becomes "coordinate check: widths[2]". */
function renamed(error: ConfigError, names: [string, string][]): ConfigError {
  const match = names.find(([field]) => error.field === field || error.field.startsWith(`${field}[`));
  return match ? { ...error, field: `${match[1]}${error.field.slice(match[0].length)}` } : error;
}

/**
 * The settings the form holds, or one sentence per bad control (its name, the value, what is allowed). Each experiment
 * is checked by the config parser as the page would train it.
 */
export function readForm(
  form: WidthForm,
  reader: ExperimentConfig,
): { ok: true; settings: WidthSettings } | { ok: false; errors: string[] } {
  const raw = {
    kinds: form.kinds,
    depth: scalar(form.depth),
    baseWidth: scalar(form.baseWidth),
    readoutZero: form.readoutZero,
    coord: {
      widths: list(form.coordWidths),
      steps: scalar(form.coordSteps),
      optimizer: form.coordOptimizer,
      lr: scalar(form.coordLr),
    },
    transfer: {
      widths: list(form.transferWidths),
      lrs: list(form.transferLrs),
      steps: scalar(form.transferSteps),
      optimizer: form.transferOptimizer,
    },
  } as unknown as WidthSettings;
  const errors: ConfigError[] = [];
  const unknown = form.kinds.filter((k) => !KINDS.includes(k));
  if (!form.kinds.length || unknown.length)
    errors.push({
      field: 'parametrizations',
      value: unknown.length ? unknown.join(', ') : '(none)',
      allowed: `at least one of ${KINDS.join(', ')}`,
    });
  const kind = unknown.length ? 'standard' : (form.kinds[0] ?? 'standard');
  const { coord, transfer } = raw;
  const checks: [Record<string, unknown>, [string, string][]][] = [
    [rawConfig(raw, reader, kind, { ...coord, batch: COORD_BATCH }, true), COORD_NAMES],
    [rawConfig(raw, reader, kind, { ...transfer, lr: transfer.lrs, batch: TRANSFER_BATCH }, false), TRANSFER_NAMES],
  ];
  for (const [config, names] of checks) {
    const result = parseConfig(config);
    if (!result.ok)
      for (const error of result.errors.map((e) => renamed(e, names)))
        if (!errors.some((e) => e.field === error.field)) errors.push(error);
  }
  const steps = coord.steps;
  if (
    Number.isInteger(steps) &&
    (steps < 1 || steps > MAX_COORD_STEPS) &&
    !errors.some((e) => e.field === 'coordinate check: steps')
  )
    errors.push({
      field: 'coordinate check: steps',
      value: steps,
      allowed: `an integer from 1 to ${MAX_COORD_STEPS}: a panel per step, and the check looks at the first few updates`,
    });
  if (transfer.steps === 0)
    errors.push({ field: 'learning-rate transfer: steps', value: 0, allowed: 'at least 1: the loss after training' });
  return errors.length ? { ok: false, errors: errors.map(formatError) } : { ok: true, settings: raw };
}
