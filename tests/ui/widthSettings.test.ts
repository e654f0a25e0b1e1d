/**
 * The width section's settings as the page reads them: the configs it trains, its form checked by the lab's parser
 * with each bad control named, and its URL parameters (a bad one reported and replaced while the others apply).
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/lab/config';
import { gridCells } from '../../src/lab/grid';
import {
  coordConfig,
  DEFAULT_WIDTH_SETTINGS,
  formOf,
  MAX_COORD_STEPS,
  readForm,
  transferConfig,
} from '../../src/ui/widthSettings';
import { DEFAULT_WIDTH_VIEW, readWidthUrl, widthQuery } from '../../src/ui/widthUrl';

const reader = { ...defaultConfig(), seed: 7 };

describe("the width section's configs", () => {
  it('the coordinate check is He normal over its widths, every step recorded with Z − Z₀, at the reader’s seed', () => {
    const config = coordConfig(DEFAULT_WIDTH_SETTINGS, reader, 'mup');
    expect(config.seed).toBe(7);
    expect(config.parametrization).toEqual({ kind: 'mup', baseWidth: 64, readoutZero: true });
    expect(config.train).toMatchObject({ steps: 3, evalEvery: 1, coordCheck: true });
    expect(gridCells(config).map((c) => c.config.width)).toEqual(DEFAULT_WIDTH_SETTINGS.coord.widths);
  });

  it('the transfer is one training over widths × learning rates, recording only its last step', () => {
    const { transfer } = DEFAULT_WIDTH_SETTINGS;
    const config = transferConfig(DEFAULT_WIDTH_SETTINGS, reader, 'standard');
    expect(gridCells(config)).toHaveLength(transfer.widths.length * transfer.lrs.length);
    expect(config.train).toMatchObject({ steps: transfer.steps, evalEvery: transfer.steps, coordCheck: false });
  });
});

describe("the width section's form", () => {
  const form = formOf(DEFAULT_WIDTH_SETTINGS);

  it('reads the default form back as the default settings', () => {
    expect(readForm(form, reader)).toEqual({ ok: true, settings: DEFAULT_WIDTH_SETTINGS });
  });

  it('names the control, the value and what is allowed for each bad one', () => {
    const read = readForm(
      {
        ...form,
        kinds: [],
        coordWidths: '64, abc',
        coordSteps: String(MAX_COORD_STEPS + 1),
        transferOptimizer: 'rmsprop' as 'sgd',
      },
      reader,
    );
    expect(read.ok).toBe(false);
    const errors = read.ok ? [] : read.errors;
    expect(errors).toHaveLength(4);
    expect(errors[0]).toBe('parametrizations = "(none)": at least one of standard, ntk, mup');
    expect(errors.find((e) => e.startsWith('coordinate check: widths[1] = "abc"'))).toBeDefined();
    expect(errors.find((e) => e.startsWith('coordinate check: steps = 9: an integer from 1 to 8'))).toBeDefined();
    expect(errors.find((e) => e.startsWith('learning-rate transfer: optimizer = "rmsprop"'))).toBeDefined();
  });
});

describe("the width section's URL parameters", () => {
  it('writes nothing for the defaults, and reads back what it writes', () => {
    expect(widthQuery(DEFAULT_WIDTH_SETTINGS, DEFAULT_WIDTH_VIEW)).toBe('');
    const settings = {
      ...DEFAULT_WIDTH_SETTINGS,
      kinds: ['ntk' as const],
      coord: { ...DEFAULT_WIDTH_SETTINGS.coord, widths: [32, 64] },
    };
    const query = widthQuery(settings, { quantity: 'pre', measure: 'rms' });
    expect(query).toBe('&scaling.kinds=ntk&scaling.coordWidths=32,64&scaling.quantity=pre&scaling.measure=rms');
    expect(readWidthUrl(new URLSearchParams(query), reader)).toEqual({
      settings,
      view: { quantity: 'pre', measure: 'rms' },
      problems: [],
    });
  });

  it('reports a bad or unknown parameter and keeps the default for it, while the others apply', () => {
    const read = readWidthUrl(
      new URLSearchParams('scaling.coordSteps=0&scaling.depth=3&scaling.colour=red&scaling.measure=l2'),
      reader,
    );
    expect(read.settings).toEqual({ ...DEFAULT_WIDTH_SETTINGS, depth: 3 });
    expect(read.view).toEqual(DEFAULT_WIDTH_VIEW);
    expect(read.problems).toHaveLength(3);
    expect(read.problems[0]).toMatch(/^coordinate check: steps = 0: .*; using the default scaling\.coordSteps = 3\.$/);
    expect(read.problems[1]).toMatch(/^scaling\.colour = "red": not a parameter of this page/);
    expect(read.problems[2]).toBe('scaling.measure = "l2": one of meanAbs, rms; using the default meanAbs.');
  });
});
