import { describe, expect, it } from 'vitest';
import { bufferBudgetFlag, TABLES, tablesFlag, widthsFlag } from '../../bench/args';

describe("the bench's flags", () => {
  it('a width list is read in order, and its absence gives the default', () => {
    expect(widthsFlag(['--sweep-widths', '256,128'], '--sweep-widths', [1])).toEqual([256, 128]);
    expect(widthsFlag(['--widths', '64'], '--sweep-widths', [256, 4096])).toEqual([256, 4096]);
  });

  it('a width list that is empty, fractional or beyond 16384 is refused, naming the flag and the value', () => {
    for (const value of ['', '256,', '1.5', '0', '16385', 'wide']) {
      expect(() => widthsFlag(['--sweep-widths', value], '--sweep-widths', [])).toThrow(
        `--sweep-widths = ${value || 'missing'}: comma-separated integers from 1 to 16384`,
      );
    }
    expect(() => widthsFlag(['--widths'], '--widths', [])).toThrow('--widths = missing');
  });

  it('every table runs unless --tables names some, and an unknown table is refused with the known ones', () => {
    expect(tablesFlag([])).toEqual([...TABLES]);
    expect(tablesFlag(['--tables', 'sweep,training'])).toEqual(['sweep', 'training']);
    expect(() => tablesFlag(['--tables', 'sweeps'])).toThrow('a comma-separated list of layer, training, sweep, phase');
    expect(tablesFlag(['--phase-only'])).toEqual(['phase']);
  });

  it('the buffer budget is given in MiB and handed on in bytes; absent, the engine keeps its default', () => {
    expect(bufferBudgetFlag(['--buffer-budget', '1024'])).toBe(2 ** 30);
    expect(bufferBudgetFlag([])).toBeUndefined();
    for (const value of ['0', '1.5', 'big']) {
      expect(() => bufferBudgetFlag(['--buffer-budget', value])).toThrow(`--buffer-budget = ${value}`);
    }
  });
});
