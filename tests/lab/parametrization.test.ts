import { describe, expect, it } from 'vitest';
import { parametrizationTable } from '../../src/lab/configDoc';
import { type LayerKind, layerFactors, layerKind, PARAMETRIZATIONS } from '../../src/lab/parametrization';

/**
 * Tensor Programs V (Yang et al. 2021), Table 8 — μP with a readout multiplier, as the `mup` package implements it —
 * in factors over the standard parametrization, m = width / baseWidth ("fan_in" and "fan_out" of a growing dimension
 * read as m): input weights and biases: init var 1, multiplier 1, SGD lr fan_out, Adam lr 1; output weights: init var
 * 1 (SP: 1/fan_in, so ×m), multiplier 1/fan_in, SGD lr fan_in, Adam lr 1; hidden weights: init var 1/fan_in (as SP),
 * multiplier 1, SGD lr 1, Adam lr 1/fan_in. The readout's bias has no growing dimension.
 */
const TABLE_8: Record<LayerKind, [number, number, number, number, number, number]> = {
  // initVariance, multiplier, sgdLr, adamLr, biasSgdLr, biasAdamLr as powers of m
  input: [0, 0, 1, 0, 1, 0],
  hidden: [0, 0, 0, -1, 1, 0],
  readout: [1, -1, 1, 0, 0, 0],
};

/** Table 3 of the same paper: μP without multipliers (init var, SGD lr, Adam lr of W), powers of m. */
const TABLE_3: Record<LayerKind, [number, number, number]> = {
  input: [0, 1, 0],
  hidden: [0, 0, -1],
  readout: [-1, -1, -1],
};

describe('parametrizations', () => {
  it('μP is Tensor Programs V Table 8, row by row', () => {
    for (const [kind, powers] of Object.entries(TABLE_8) as [LayerKind, number[]][]) {
      const s = PARAMETRIZATIONS.mup[kind];
      expect([s.initVariance, s.multiplier, s.sgdLr, s.adamLr, s.biasSgdLr, s.biasAdamLr]).toEqual(powers);
    }
  });

  it("μP's multipliers folded into the weights give Table 3 (the paper's equivalent form without multipliers)", () => {
    // W_eff = c·W: its variance is c²·var(W); SGD moves it by c²·lr (the gradient and the step both scale by c), Adam
    // by c·lr (Adam's step does not scale with the gradient).
    for (const [kind, [variance, sgd, adam]] of Object.entries(TABLE_3) as [LayerKind, number[]][]) {
      const s = PARAMETRIZATIONS.mup[kind];
      expect(s.initVariance + 2 * s.multiplier).toBe(variance);
      expect(s.sgdLr + 2 * s.multiplier).toBe(sgd);
      expect(s.adamLr + s.multiplier).toBe(adam);
    }
  });

  it('NTK draws layers whose fan_in grows at constant variance and divides their output by √fan_in', () => {
    for (const kind of ['hidden', 'readout'] as const) {
      const s = PARAMETRIZATIONS.ntk[kind];
      // The function at initialization is the standard one in distribution: var × multiplier² = 1.
      expect(s.initVariance + 2 * s.multiplier).toBe(0);
      expect([s.sgdLr, s.adamLr]).toEqual([0, 0]);
    }
    expect(PARAMETRIZATIONS.ntk.input).toEqual(PARAMETRIZATIONS.standard.input);
  });

  it('every parametrization is the standard one at the base width', () => {
    for (const kind of ['standard', 'ntk', 'mup'] as const)
      for (let layer = 1; layer <= 4; layer++)
        for (const optimizer of ['sgd', 'adam'] as const) {
          const f = layerFactors({ kind, baseWidth: 96, readoutZero: false }, layer, 3, 96, optimizer);
          expect(f).toEqual({ initScale: 1, multiplier: 1, weightLr: 1, biasLr: 1, zero: false });
        }
  });

  it('applies the powers of m = width / baseWidth to the right layers', () => {
    const mup = { kind: 'mup', baseWidth: 64, readoutZero: true } as const;
    expect([1, 2, 3, 4].map((l) => layerKind(l, 3))).toEqual(['input', 'hidden', 'hidden', 'readout']);
    expect(layerFactors(mup, 4, 3, 256, 'sgd')).toEqual({
      initScale: 2,
      multiplier: 0.25,
      weightLr: 4,
      biasLr: 1,
      zero: true,
    });
    expect(layerFactors(mup, 2, 3, 256, 'adam').weightLr).toBe(0.25);
    expect(layerFactors(mup, 1, 3, 256, 'sgd')).toMatchObject({ weightLr: 4, biasLr: 4, zero: false });
    expect(layerFactors({ ...mup, kind: 'ntk' }, 2, 3, 256, 'sgd')).toMatchObject({ initScale: 2, multiplier: 0.5 });
  });

  it('the table the page and README show is the one the engines apply', () => {
    const table = parametrizationTable();
    expect(table).toContain('| mup | readout | m | 1/m | m | 1 | 1 | 1 |');
    expect(table).toContain('| mup | hidden | 1 | 1 | 1 | 1/m | m | 1 |');
    expect(table).toContain('| ntk | hidden | m | 1/√m | 1 | 1 | 1 | 1 |');
  });
});

describe('the parametrization field', () => {
  it('is validated field by field and travels in a link only when it is not the default', async () => {
    const { formatError, parseConfig } = await import('../../src/lab/config');
    const { readUrl, writeUrl } = await import('../../src/ui/urlState');
    const bad = parseConfig({ parametrization: { kind: 'mu', baseWidth: 0, readoutZero: 'yes' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.errors.map(formatError)).toEqual([
        'parametrization.kind = "mu": one of "standard", "ntk", "mup"',
        'parametrization.baseWidth = 0: an integer from 1 to 16384',
        'parametrization.readoutZero = "yes": true or false',
      ]);
    const parsed = parseConfig({ parametrization: { kind: 'mup', readoutZero: true } });
    if (!parsed.ok) throw new Error('valid');
    const link = writeUrl(parsed.config, 'cpu');
    expect(link).toContain('parametrization.kind=mup');
    expect(link).toContain('parametrization.readoutZero=true');
    expect(link).not.toContain('baseWidth');
    expect(readUrl(link).config.parametrization).toEqual({ kind: 'mup', baseWidth: 64, readoutZero: true });
    expect(writeUrl(readUrl('?width=12').config, 'cpu')).not.toContain('parametrization');
  });
});
