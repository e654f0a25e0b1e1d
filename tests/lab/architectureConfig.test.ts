/** The `architecture` field: validated field by field in sentences, carried by links, its matrices as the model says. */
import { describe, expect, it } from 'vitest';
import { branchScale, INVERSE_SQRT_DEPTH, weightMatrices } from '../../src/lab/architecture';
import { defaultConfig, formatError, parseConfig } from '../../src/lab/config';
import { readUrl, writeUrl } from '../../src/ui/urlState';

const errorsOf = (raw: object) => {
  const parsed = parseConfig(raw);
  return parsed.ok ? [] : parsed.errors.map(formatError);
};

describe('the architecture config', () => {
  it('defaults to the plain network without normalization, which is the lab’s MLP', () => {
    expect(defaultConfig().architecture).toEqual({
      kind: 'plain',
      branchScale: 1,
      zeroInitLast: false,
      norm: 'none',
      eps: 1e-5,
    });
  });

  it('says what is wrong with each bad field: the field, the value, what is allowed', () => {
    expect(errorsOf({ architecture: { kind: 'resnet' } })).toEqual([
      'architecture.kind = "resnet": one of "plain", "residual"',
    ]);
    expect(errorsOf({ architecture: { branchScale: '1/depth' } })).toEqual([
      'architecture.branchScale = "1/depth": a number from 0 to 100, or "1/sqrt(depth)"',
    ]);
    expect(errorsOf({ architecture: { branchScale: -1, eps: 2, zeroInitLast: 'yes', norm: 'group' } })).toEqual([
      'architecture.branchScale = -1: a number from 0 to 100, or "1/sqrt(depth)"',
      'architecture.zeroInitLast = "yes": true or false',
      'architecture.norm = "group": one of "none", "layer", "batch"',
      'architecture.eps = 2: a number from 0 to 1',
    ]);
    expect(errorsOf({ architecture: { alpha: 1 } })[0]).toMatch(/^architecture.alpha = 1: not a field of architecture/);
    expect(errorsOf({ architecture: 'residual' })[0]).toMatch(/^architecture = "residual": an object/);
  });

  it('takes a random bias for the plain network without normalization only, saying so', () => {
    const bias = { kind: 'normal', sigma: 0.1 };
    expect(errorsOf({ bias })).toEqual([]);
    expect(errorsOf({ bias, architecture: { kind: 'residual' } })).toEqual([
      'bias = {"kind":"normal","sigma":0.1}: a number for a residual, α = 1 network: a random bias is drawn per layer of the plain network without normalization only',
    ]);
    expect(errorsOf({ bias, architecture: { norm: 'layer' } })[0]).toMatch(
      /^bias = .*a number for a plain, LayerNorm network/,
    );
  });

  it('refuses normalizations that would make every value 0, saying why', () => {
    // A BatchNorm experiment on the one-row seed input is refused when it runs (tests/cpu/residual.test.ts).
    expect(errorsOf({ architecture: { norm: 'batch' } })).toEqual([]);
    expect(errorsOf({ width: 1, architecture: { norm: 'layer' } })[0]).toMatch(/"layer" needs width ≥ 2/);
    const batch = { distribution: 'normal', batch: 8, width: 3 };
    expect(errorsOf({ input: batch, architecture: { norm: 'batch' } })).toEqual([]);
    expect(errorsOf({ input: batch, architecture: { norm: 'batch' }, train: { batch: 1 } })[0]).toMatch(
      /^train.batch = 1: at least 2 with architecture.norm = "batch"/,
    );
    const wide = { input: batch, width: 16384, architecture: { norm: 'batch' }, train: { dataset: { size: 2000 } } };
    expect(errorsOf(wide)[0]).toMatch(/^train.dataset.size = 2000: with architecture.norm = "batch", size × width/);
  });

  it('travels in a link, branchScale as a number or as its text', () => {
    for (const architecture of [
      { kind: 'residual', branchScale: INVERSE_SQRT_DEPTH, zeroInitLast: false, norm: 'layer', eps: 1e-5 },
      { kind: 'residual', branchScale: 0.25, zeroInitLast: true, norm: 'none', eps: 0 },
    ] as const) {
      const config = { ...defaultConfig(), architecture: { ...architecture } };
      const url = writeUrl(config, 'cpu');
      expect(url).toContain('architecture.kind=residual');
      expect(readUrl(url)).toEqual({ config, engine: 'cpu', problems: [] });
    }
    expect(readUrl('?architecture.branchScale=1/sqrt(depth)').config.architecture.branchScale).toBe(INVERSE_SQRT_DEPTH);
    const bad = readUrl('?architecture.branchScale=huge');
    expect(bad.problems[0]).toMatch(/^architecture.branchScale = "huge": a number from 0 to 100/);
  });

  it('α is branchScale, or 1/√depth', () => {
    const residual = { ...defaultConfig().architecture, kind: 'residual' as const };
    expect(branchScale({ ...residual, branchScale: 0.5 }, 16)).toBe(0.5);
    expect(branchScale({ ...residual, branchScale: INVERSE_SQRT_DEPTH }, 16)).toBe(0.25);
  });

  it('gives every matrix its own address, fan_in and fan_out: plain as before, residual W_in then W₁, W₂ per block', () => {
    const plain = weightMatrices(defaultConfig().architecture, 5, 10, 3);
    expect(plain.map((m) => [m.address, m.fanIn, m.fanOut])).toEqual([
      [1, 5, 10],
      [2, 10, 10],
      [3, 10, 10],
    ]);
    const residual = weightMatrices(
      { ...defaultConfig().architecture, kind: 'residual', zeroInitLast: true },
      5,
      10,
      2,
    );
    expect(residual.map((m) => [m.role, m.address, m.fanIn, m.fanOut, m.zero, m.layer])).toEqual([
      ['projection', 1, 5, 10, false, 0],
      ['branchIn', 2, 10, 10, false, 1],
      ['branchOut', 3, 10, 10, true, 1],
      ['branchIn', 4, 10, 10, false, 2],
      ['branchOut', 5, 10, 10, true, 2],
    ]);
  });
});
