/**
 * The URL reader under hostile links, fuzzed with fast-check: any query string gives a valid config (bad fields fall
 * back to their defaults, each reported once in a sentence) — never an exception, never a changed prototype.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configJson, defaultConfig, NESTED_FIELDS, parseConfig } from '../../src/lab/config';
import { scalarFields } from '../../src/lab/configFields';
import { readUrl, writeUrl } from '../../src/ui/urlState';

const RUNS = 300;
const names = fc.constantFrom(
  ...scalarFields.map((f) => f.name),
  ...Object.entries(NESTED_FIELDS).flatMap(([name, spec]) => Object.keys(spec.fields).map((key) => `${name}.${key}`)),
  'input',
  'sweep',
  'phase',
  'engine',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'toString',
);
/** Every way a URL can spell a number past the bounds, or not a number. */
const numberish = fc.constantFrom(
  'NaN',
  'nan',
  'Infinity',
  '-Infinity',
  '+Infinity',
  'inf',
  '1e999',
  '-1e999',
  '1e-999',
  '0x10',
  '1_000',
  '',
  ' ',
  '%00',
  '1e3',
  '16384',
  '16385',
  '-0',
  '0.5',
  '4294967296',
);
const valueText = fc.oneof(
  fc.string(),
  numberish,
  fc.constantFrom(
    'normal:sigma=NaN',
    'normal:__proto__=1',
    'he-normal:mode=fan_sideways',
    'normal:batch=1e999,width=3',
    'adam:lr=1e999',
    'residual',
    'layer',
    '1/sqrt(depth)',
    'true',
    'false',
  ),
);

describe('URL state under hostile links', () => {
  it('any query gives a valid config and one sentence per rejected parameter, prototypes untouched', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(names, valueText), { maxLength: 8 }), (pairs) => {
        const search = `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
        const state = readUrl(search);
        expect(parseConfig(configJson(state.config))).toEqual({ ok: true, config: state.config });
        for (const p of state.problems) expect(p).toMatch(/: .+/);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.keys(Object.prototype)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('reads back every config it writes', () => {
    const config = { ...defaultConfig(), depth: 3, sweep: [{ kind: 'he-normal' as const, mode: 'fan_out' as const }] };
    expect(readUrl(writeUrl(config, 'gpu'))).toEqual({ config, engine: 'gpu', problems: [] });
  });

  it('carries width and depth lists both ways, and names a bad entry of a list with what is allowed', () => {
    const state = readUrl('?width=64,128,256&depth=2,4');
    expect(state.problems).toEqual([]);
    expect(state.config.axes).toEqual({ width: [64, 128, 256], depth: [2, 4], lr: null });
    expect(writeUrl(state.config, 'cpu')).toContain('&depth=2,4&width=64,128,256&');
    expect(readUrl(writeUrl(state.config, 'cpu')).config).toEqual(state.config);
    expect(readUrl('?width=64,0').problems).toEqual([
      'width[1] = 0: an integer from 1 to 16384; using the default width = 10.',
    ]);
  });

  it('names a prototype key as no parameter of the page', () => {
    const state = readUrl('?__proto__=1&constructor=x&depth=3');
    expect(state.config.depth).toBe(3);
    expect(state.problems).toHaveLength(2);
    expect(state.problems[0]).toContain('not a parameter of this page');
  });
});
