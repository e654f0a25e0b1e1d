import { describe, expect, it } from 'vitest';
import { drawWords, mulHigh, philox4x32, standardNormal, unitUniform, unitUniformOpen } from '../../src/lab/rng';

const hex = (words: number[]) => words.map((w) => w.toString(16).padStart(8, '0')).join(' ');

describe('Philox4x32-10', () => {
  it('matches the Random123 known-answer vectors', () => {
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
    const ones = 0xffffffff;
    expect(hex(philox4x32([ones, ones, ones, ones], [ones, ones]))).toBe('408f276d 41c83b0e a20bc7c6 6d5451fd');
    expect(hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))).toBe(
      'd16cfe09 94fdcceb 5001e420 24126ea1',
    );
  });

  it('mulHigh equals the exact 64-bit product high word', () => {
    const pairs = [
      [0xd2511f53, 0xffffffff],
      [0xcd9e8d57, 0x12345678],
      [1, 1],
      [0xffffffff, 0xffffffff],
      [0x10000, 0x10000],
    ];
    for (const [a, b] of pairs) expect(mulHigh(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
  });

  it('gives the same words for the same address and different words for its neighbours', () => {
    const base = { seed: 7, stream: 0, series: 1, trial: 2, layer: 3, element: 1000 };
    expect(drawWords(base)).toEqual(drawWords({ ...base }));
    const seen = new Set([hex(drawWords(base))]);
    for (const key of ['seed', 'stream', 'series', 'trial', 'layer', 'element'] as const) {
      seen.add(hex(drawWords({ ...base, [key]: base[key] + 1 })));
    }
    seen.add(hex(drawWords({ ...base, attempt: 1 })));
    expect(seen.size).toBe(8);
  });
});

describe('uniforms and normals from words', () => {
  it('uniforms cover [0,1) and (0,1] without reaching the excluded end', () => {
    expect(unitUniform(0)).toBe(0);
    expect(unitUniform(0xffffffff)).toBeLessThan(1);
    expect(unitUniformOpen(0)).toBeGreaterThan(0);
    expect(unitUniformOpen(0xffffffff)).toBe(1);
  });

  it('Box–Muller normals have mean 0 and variance 1 within sampling error', () => {
    const n = 200_000;
    let sum = 0,
      sumSq = 0;
    for (let i = 0; i < n; i++) {
      const [w0, w1] = drawWords({ seed: 1, stream: 0, series: 0, trial: 0, layer: 1, element: i });
      const z = standardNormal(w0, w1);
      sum += z;
      sumSq += z * z;
    }
    const mean = sum / n,
      variance = sumSq / n - mean * mean;
    // Standard errors: mean 1/√n ≈ 0.0022, variance √(2/n) ≈ 0.0032; allow 5 of each.
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });
});
