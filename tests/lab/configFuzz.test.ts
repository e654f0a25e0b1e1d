/**
 * Hostile input, fuzzed with fast-check: whatever JSON value, text or nesting arrives, the parser answers with a valid
 * config or with field-named errors that print — never an exception, never a hang, never a changed prototype.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configJson, formatError, NESTED_FIELDS, parseConfig, parseConfigText } from '../../src/lab/config';
import { scalarFields } from '../../src/lab/configFields';
import { PHASE_AXES } from '../../src/lab/configPhase';
import { MAX_CONFIG_NESTING } from '../../src/lab/configValues';

/** Each property runs this many random cases; the whole file stays within a few seconds. */
const RUNS = 300;

const prototypeUntouched = () => {
  const probe = {} as Record<string, unknown>;
  return Object.keys(Object.prototype).length === 0 && probe.polluted === undefined && probe.kind === undefined;
};

/** Either a config that parses again to itself, or errors each naming a field and printing as one bounded line. */
function expectAnswer(result: ReturnType<typeof parseConfig>): void {
  if (result.ok) {
    expect(parseConfig(configJson(result.config))).toEqual(result);
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  for (const e of result.errors) {
    expect(typeof e.field).toBe('string');
    const line = formatError(e);
    expect(line).not.toContain('\n');
    // Field path, a value of at most 60 characters, and the sentence of what is allowed.
    expect(line.length).toBeLessThan(e.field.length + e.allowed.length + 70);
  }
}

/** Every field of the nested tables (`train`, `architecture`, …) and of their variants' kinds. */
const nestedKeys = Object.entries(NESTED_FIELDS).flatMap(([name, spec]) => [
  name,
  ...Object.entries(spec.fields).flatMap(([key, field]) =>
    field.type === 'variant' ? [key, ...Object.values(field.kinds).flatMap((k) => Object.keys(k.fields))] : [key],
  ),
]);

/** Field names a config has, and names that reach objects' prototypes. */
const keys = fc.constantFrom(
  ...scalarFields.map((f) => f.name),
  ...new Set(nestedKeys),
  ...Object.keys(PHASE_AXES),
  'phase',
  'input',
  'init',
  'sweep',
  'values',
  'distribution',
  'batch',
  'kind',
  'sigma',
  'gain',
  'mode',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
);
const values = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.double(),
    fc.integer(),
    fc.constantFrom(
      0,
      -0,
      1e-320,
      2 ** 53,
      -1,
      16384,
      16385,
      1000,
      1001,
      0xffffffff,
      2 ** 32,
      NaN,
      Infinity,
      -Infinity,
    ),
    fc.string(),
    fc.constantFrom('relu', 'normal', 'he-normal', 'fan_out', 'NaN', 'Infinity', '1e999'),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(keys, tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('config parser under hostile input', () => {
  it('answers any JSON-like value with a config or field-named errors, prototypes untouched', () => {
    fc.assert(
      fc.property(fc.dictionary(keys, values, { maxKeys: 8 }), (raw) => {
        expectAnswer(parseConfig(raw));
        expect(prototypeUntouched()).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers any text, JSON or not', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          expectAnswer(parseConfigText(text));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('answers "__proto__" and "constructor" keys in parsed JSON without touching a prototype', () => {
    for (const text of [
      '{"__proto__": {"polluted": 1}, "depth": 3}',
      '{"sweep": {"kind": "normal", "sigma": 0.1, "__proto__": {"polluted": 1}}}',
      '{"input": {"__proto__": {"values": [1]}, "values": [1, 2]}}',
      '{"constructor": {"prototype": {"polluted": 1}}}',
      '{"init": {"kind": "__proto__"}}',
      '{"init": {"kind": "constructor"}}',
    ]) {
      expectAnswer(parseConfigText(text));
      expect(prototypeUntouched(), text).toBe(true);
    }
  });

  it(`refuses nesting deeper than ${MAX_CONFIG_NESTING} levels with a sentence, as text or as a value, at any depth`, () => {
    for (const depth of [MAX_CONFIG_NESTING + 1, 1000, 100_000]) {
      const text = `{"sweep": ${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const fromText = parseConfigText(text);
      expect(fromText.ok).toBe(false);
      if (!fromText.ok)
        expect(formatError(fromText.errors[0])).toContain(`nests deeper than ${MAX_CONFIG_NESTING} levels`);
      let deep: unknown = 1;
      for (let i = 0; i < depth; i++) deep = { x: deep };
      const fromValue = parseConfig({ init: deep });
      expect(fromValue.ok).toBe(false);
      if (!fromValue.ok) expect(formatError(fromValue.errors[0])).toContain('nests deeper than');
    }
  });

  it('answers objects that cannot become text (toString not a function, no prototype) wherever a value or a kind goes', () => {
    const hostile = () => [{ toString: 0 }, { toString: 0, valueOf: 0 }, Object.create(null)];
    const places: ((v: unknown) => Record<string, unknown>)[] = [
      ...scalarFields.flatMap((f) => [(v: unknown) => ({ [f.name]: v }), (v: unknown) => ({ [f.name]: { kind: v } })]),
      ...Object.entries(NESTED_FIELDS).flatMap(([name, spec]) => [
        (v: unknown) => ({ [name]: v }),
        ...Object.keys(spec.fields).flatMap((key) => [
          (v: unknown) => ({ [name]: { [key]: v } }),
          (v: unknown) => ({ [name]: { [key]: { kind: v } } }),
        ]),
      ]),
      (v) => ({ init: { kind: v } }),
      (v) => ({ sweep: [{ kind: 'normal', sigma: v }] }),
      (v) => ({ input: { distribution: v } }),
      (v) => ({ input: { values: [v] } }),
      (v) => ({ phase: v }),
      ...Object.keys(PHASE_AXES).map((axis) => (v: unknown) => ({ phase: { [axis]: [v, 1, 2] } })),
    ];
    for (const place of places)
      for (const value of hostile()) {
        const raw = place(value);
        expect(() => expectAnswer(parseConfig(raw)), Object.keys(raw).join()).not.toThrow();
        const result = parseConfig(raw);
        if (!result.ok) for (const e of result.errors) expect(() => formatError(e)).not.toThrow();
      }
  });

  it('keeps the deepest legitimate config well inside the nesting limit', () => {
    expect(parseConfigText('{"sweep": [{"kind": "normal", "sigma": [0.1, 0.2]}]}').ok).toBe(true);
  });

  it('prints huge strings and arrays as short values', () => {
    const huge = parseConfig({ activation: 'x'.repeat(10_000_000), input: { values: new Array(1_000_000).fill(1) } });
    expect(huge.ok).toBe(false);
    if (!huge.ok) for (const e of huge.errors) expect(formatError(e).length).toBeLessThan(400);
  });

  it('accepts every scalar field at its bounds and refuses it just past them', () => {
    for (const field of scalarFields) {
      if (field.type === 'enum') continue;
      const step = field.type === 'int' ? 1 : Math.max(Math.abs(field.max), 1) * 1e-9;
      expect(parseConfig({ [field.name]: field.min }).ok, `${field.name} = min`).toBe(true);
      expect(parseConfig({ [field.name]: field.max }).ok, `${field.name} = max`).toBe(true);
      for (const bad of [field.min - step, field.max + step, NaN, Infinity, -Infinity, `${field.max}`]) {
        const result = parseConfig({ [field.name]: bad });
        expect(result.ok, `${field.name} = ${bad}`).toBe(false);
        if (!result.ok) expect(result.errors[0].field).toBe(field.name);
      }
    }
  });
});
