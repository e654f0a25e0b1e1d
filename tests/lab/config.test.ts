import { describe, expect, it } from 'vitest';
import {
  type ConfigError,
  configJson,
  defaultConfig,
  type ExperimentConfig,
  formatError,
  parseConfig,
  parseConfigText,
  SEED_SIGMAS,
} from '../../src/lab/config';

function errorsOf(raw: unknown): ConfigError[] {
  const result = parseConfig(raw);
  if (result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
  return result.errors;
}

describe('the default config is the seed experiment', () => {
  it('X = [1..5], 8 hidden layers of 10, zero bias, ReLU, five σ from 1e-5 to 0.5', () => {
    const config = defaultConfig();
    expect(config).toMatchObject({
      depth: 8,
      width: 10,
      bias: 0,
      activation: 'relu',
      trials: 1,
      input: { values: [1, 2, 3, 4, 5] },
    });
    expect(config.sweep).toEqual(SEED_SIGMAS.map((sigma) => ({ kind: 'normal', sigma })));
  });

  it('an empty JSON object resolves to the default', () => {
    expect(parseConfig({})).toEqual({ ok: true, config: defaultConfig() });
  });

  it('a resolved config parses back to itself', () => {
    const config: ExperimentConfig = { ...defaultConfig(), depth: 20, sweep: [{ kind: 'he-normal', mode: 'fan_out' }] };
    expect(parseConfig(JSON.parse(JSON.stringify(configJson(config))))).toEqual({ ok: true, config });
    const grid = parseConfig({ width: [8, 16], depth: [2, 3] });
    if (!grid.ok) throw new Error('valid');
    expect(parseConfig(JSON.parse(JSON.stringify(configJson(grid.config))))).toEqual(grid);
  });
});

describe('initializer specs', () => {
  it('the sweep shorthand with a σ list expands to one series per σ', () => {
    const result = parseConfig({ sweep: { kind: 'normal', sigma: [1e-5, 1e-3, 1e-2, 1e-1, 0.5] } });
    expect(result.ok && result.config.sweep).toEqual(defaultConfig().sweep);
  });

  it('accepts every documented kind with its optional gain and mode', () => {
    const sweep = [
      { kind: 'normal', sigma: 0.1 },
      { kind: 'uniform', a: 0.3 },
      { kind: 'zeros' },
      { kind: 'constant', value: 0.5 },
      { kind: 'xavier-normal' },
      { kind: 'xavier-uniform', gain: 2 },
      { kind: 'he-normal', mode: 'fan_out' },
      { kind: 'he-uniform', gain: 1 },
    ];
    const result = parseConfig({ sweep });
    expect(result.ok && result.config.sweep).toEqual(sweep);
  });

  it('a single init becomes a one-series sweep', () => {
    const result = parseConfig({ init: { kind: 'xavier-normal' } });
    expect(result.ok && result.config.sweep).toEqual([{ kind: 'xavier-normal' }]);
  });
});

describe('validation names the field, the value and what is allowed', () => {
  it.each([
    ['negative σ', { init: { kind: 'normal', sigma: -1 } }, 'init.sigma', -1],
    ['depth 0', { depth: 0 }, 'depth', 0],
    ['width 1e9', { width: 1e9 }, 'width', 1e9],
    ['unknown kind', { init: { kind: 'glorot-magic' } }, 'init.kind', 'glorot-magic'],
    ['NaN', { bias: NaN }, 'bias', NaN],
    ['a string for a number', { trials: '3' }, 'trials', '3'],
    ['a fractional integer', { depth: 2.5 }, 'depth', 2.5],
    ['an unknown activation', { activation: 'swish-ish' }, 'activation', 'swish-ish'],
    ['a seed beyond u32', { seed: 2 ** 32 }, 'seed', 2 ** 32],
    ['a bad fan mode', { init: { kind: 'he-normal', mode: 'fan_avg' } }, 'init.mode', 'fan_avg'],
    ['a field the kind does not take', { init: { kind: 'zeros', sigma: 1 } }, 'init.sigma', 1],
    ['a missing σ', { init: { kind: 'normal' } }, 'init.sigma', undefined],
    ['an unknown top-level field', { widht: 10 }, 'widht', 10],
    ['a non-numeric input value', { input: { values: [1, 'two', 3] } }, 'input.values[1]', 'two'],
    [
      'an unknown input distribution',
      { input: { distribution: 'cauchy', batch: 4, width: 3 } },
      'input.distribution',
      'cauchy',
    ],
    ['a zero batch', { input: { distribution: 'normal', batch: 0, width: 3 } }, 'input.batch', 0],
    [
      'a bad σ inside a sweep list',
      { sweep: [{ kind: 'he-normal' }, { kind: 'normal', sigma: 0 }] },
      'sweep[1].sigma',
      0,
    ],
  ])('rejects %s', (_, raw, field, value) => {
    const errors = errorsOf(raw);
    const error = errors.find((e) => e.field === field);
    expect(error, JSON.stringify(errors)).toBeDefined();
    expect(Object.is(error!.value, value)).toBe(true);
    expect(error!.allowed.length).toBeGreaterThan(5);
  });

  it('reports every bad field at once, not only the first', () => {
    expect(errorsOf({ depth: 0, width: -3, trials: 0 }).map((e) => e.field)).toEqual(['trials', 'depth', 'width']);
  });

  it('rejects a batch whose layer would not fit one GPU binding, naming the limit', () => {
    const [error] = errorsOf({ width: 16384, input: { distribution: 'normal', batch: 1 << 20, width: 4 } });
    expect(error.field).toBe('input.batch');
    expect(error.allowed).toContain('16384');
  });

  it('rejects both init and sweep together', () => {
    expect(errorsOf({ init: { kind: 'zeros' }, sweep: [{ kind: 'zeros' }] })[0].allowed).toContain('not both');
  });

  it('formats an error as field = value: allowed', () => {
    expect(formatError(errorsOf({ depth: 0 })[0])).toBe('depth = 0: an integer from 1 to 1000, or a list of such');
  });

  it('turns malformed JSON text into an error, not an exception', () => {
    const result = parseConfigText('{"depth": 8,');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0].allowed).toMatch(/valid JSON/);
  });

  it('rejects a config that is not an object', () => {
    expect(errorsOf([1, 2])[0].field).toBe('(config)');
  });
});
