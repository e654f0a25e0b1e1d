import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/lab/config';
import { MAX_ORTHOGONAL_WIDTH } from '../../src/lab/configFields';

const fieldsOf = (raw: unknown) => {
  const r = parseConfig(raw);
  return r.ok ? [] : r.errors.map((e) => e.field);
};

describe('slope, new activations and new initializer kinds in the config', () => {
  it('slope defaults to 0.01 and takes numbers from 0 to 1', () => {
    const r = parseConfig({ activation: 'leaky-relu', slope: 0.2 });
    expect(r.ok && r.config.slope).toBe(0.2);
    const d = parseConfig({});
    expect(d.ok && d.config.slope).toBe(0.01);
  });

  it.each([-0.1, 1.5, 'steep', null, Number.NaN])('slope %j is refused with the allowed range', (slope) => {
    const r = parseConfig({ activation: 'leaky-relu', slope });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([{ field: 'slope', value: slope, allowed: 'a number from 0 to 1' }]);
  });

  it('accepts leaky-relu and gelu and refuses other names, listing the six', () => {
    expect(fieldsOf({ activation: 'gelu' })).toEqual([]);
    const r = parseConfig({ activation: 'swish' });
    expect(!r.ok && r.errors[0].allowed).toBe('one of "linear", "relu", "tanh", "sigmoid", "leaky-relu", "gelu"');
  });

  it('accepts every new kind with its own fields', () => {
    const sweep = [
      { kind: 'lecun-normal' },
      { kind: 'lecun-uniform' },
      { kind: 'torch-linear-default' },
      { kind: 'glorot-trunc-normal', gain: 1.2 },
      { kind: 'he-trunc-normal', mode: 'fan_out' },
      { kind: 'lecun-trunc-normal' },
      { kind: 'orthogonal', gain: [1, 2] },
    ];
    const r = parseConfig({ sweep });
    expect(r.ok && r.config.sweep.length).toBe(8);
  });

  it('refuses unknown kinds and fields a kind does not take', () => {
    expect(fieldsOf({ init: { kind: 'trunc-normal' } })).toEqual(['init.kind']);
    expect(fieldsOf({ init: { kind: 'lecun-normal', gain: 2 } })).toEqual(['init.gain']);
    expect(fieldsOf({ init: { kind: 'torch-linear-default', mode: 'fan_in' } })).toEqual(['init.mode']);
    expect(fieldsOf({ init: { kind: 'he-trunc-normal', mode: 'fan_avg' } })).toEqual(['init.mode']);
    expect(fieldsOf({ init: { kind: 'orthogonal', gain: -1 } })).toEqual(['init.gain']);
  });

  it(`refuses orthogonal beyond width ${MAX_ORTHOGONAL_WIDTH}, whose QR runs on the CPU`, () => {
    expect(fieldsOf({ width: MAX_ORTHOGONAL_WIDTH, init: { kind: 'orthogonal' } })).toEqual([]);
    expect(fieldsOf({ width: MAX_ORTHOGONAL_WIDTH + 1, init: { kind: 'orthogonal' } })).toEqual(['width']);
    expect(fieldsOf({ width: MAX_ORTHOGONAL_WIDTH + 1, init: { kind: 'he-normal' } })).toEqual([]);
  });
});
