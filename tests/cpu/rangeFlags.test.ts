import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { defaultConfig, type ExperimentConfig } from '../../src/lab/config';
import type { LayerStats, Quantity, RunResult } from '../../src/lab/results';

const engine = new CpuEngine();
/** float64's smallest normal: below it a value, or a mean square, keeps fewer than 53 bits. */
const MIN_NORMAL = 2 ** -1022;
const QUANTITIES = ['pre', 'post', 'grad', 'weightGrad'] as const;

const run = (overrides: Partial<ExperimentConfig>, backward = true) =>
  engine.run({ ...defaultConfig(), ...overrides }, { backward });
const kinds = (layer: LayerStats, q: Quantity) => layer.flags.filter((f) => f.quantity === q).map((f) => f.kind);
const allFlags = (result: RunResult) => result.series.flatMap((s) => s.layers.flatMap((l) => l.flags));
const measured = (layer: LayerStats) => QUANTITIES.flatMap((q) => (layer[q] ? [[q, layer[q]!] as const] : []));

describe('float64 underflow is flagged wherever it costs a figure, and nowhere else', () => {
  it('linear σ = 1e-5, depth 80: every pre, post, ∂L/∂Z and ∂L/∂W below the smallest normal is flagged underflow; every other is unflagged', async () => {
    const result = await run({ activation: 'linear', depth: 80, sweep: [{ kind: 'normal', sigma: 1e-5 }] });
    const layers = result.series[0].layers;
    for (const layer of layers) {
      for (const [q, summary] of measured(layer)) {
        // A mean square held as a normal number is a measurement; below that it is 0 or subnormal, and must say so.
        const expected = summary.meanSq < MIN_NORMAL ? ['underflow'] : [];
        expect(kinds(layer, q), `layer ${layer.layer} ${q} (meanSq ${summary.meanSq})`).toEqual(expected);
      }
    }
    // The case is the one reported: exact zeros deep in the forward pass, at shallow ∂L/∂Z, and in ∂L/∂W.
    expect(layers[79].pre.meanSq).toBe(0);
    expect(layers[0].grad!.meanSq).toBe(0);
    expect(layers.filter((l) => l.weightGrad!.meanSq === 0).length).toBeGreaterThan(70);
    expect(layers[0].pre.meanSq).toBeGreaterThan(MIN_NORMAL);
    expect(layers[79].grad!.meanSq).toBeGreaterThan(MIN_NORMAL);
  });

  it('ReLU σ = 1e-5: E[Z²] that underflows while every Z is a normal number is flagged, and the layers before it are not', async () => {
    const result = await engine.run(
      { ...defaultConfig(), depth: 40, sweep: [{ kind: 'normal', sigma: 1e-5 }] },
      { captureRows: [0] },
    );
    const layers = result.series[0].layers;
    const first = layers.findIndex((l) => l.pre.meanSq < MIN_NORMAL);
    expect(first, 'a layer whose E[Z²] underflows').toBeGreaterThan(0);
    // Every captured Z down to the last layer is 0 (a unit that is off) or a normal float64: only the statistic fails.
    const z = result.capture!.preActivations[0].flatMap((layer) => [...layer]);
    expect(z.every((x) => x === 0 || Math.abs(x) >= MIN_NORMAL)).toBe(true);
    expect(z.some((x) => x !== 0 && Math.abs(x) < 1e-160)).toBe(true);
    layers.forEach((layer, i) => {
      expect(kinds(layer, 'pre'), `layer ${i + 1}`).toEqual(i >= first ? ['underflow'] : []);
      // post = max(0, Z) crosses the line on its own mean square, at most a layer earlier.
      expect(kinds(layer, 'post'), `layer ${i + 1}`).toEqual(layer.post.meanSq < MIN_NORMAL ? ['underflow'] : []);
    });
  });

  it("ReLU σ = 1e-5, depth 80: Z flushed to 0 reaches every ∂L/∂Z through φ'(Z), so every one is flagged", async () => {
    const layers = (await run({ depth: 80, sweep: [{ kind: 'normal', sigma: 1e-5 }] })).series[0].layers;
    expect(layers[79].pre.meanSq).toBe(0);
    expect(layers.every((l) => kinds(l, 'grad').includes('underflow'))).toBe(true);
    expect(layers.every((l) => kinds(l, 'weightGrad').includes('underflow'))).toBe(true);
  });
});

describe('float64 overflow is flagged, never reported as a measurement', () => {
  it('linear σ = 1000, depth 100: every Infinity or NaN carries a flag, an infinite mean square says overflow, and finite figures none', async () => {
    const layers = (await run({ activation: 'linear', depth: 100, sweep: [{ kind: 'normal', sigma: 1000 }] })).series[0]
      .layers;
    let infinite = 0;
    for (const layer of layers) {
      for (const [q, summary] of measured(layer)) {
        const held = [summary.mean, summary.var, summary.meanSq].every(Number.isFinite);
        if (!held) expect(kinds(layer, q).length, `layer ${layer.layer} ${q}`).toBeGreaterThan(0);
        if (summary.meanSq === Infinity) {
          expect(kinds(layer, q), `layer ${layer.layer} ${q}`).toContain('overflow');
          infinite++;
        }
        // Values up to ~1e154 still square inside float64, and linear's ∂L/∂Z does not read Z: those are measurements.
        if (held) expect(kinds(layer, q), `layer ${layer.layer} ${q}`).toEqual([]);
      }
    }
    expect(infinite).toBeGreaterThan(0);
    expect(kinds(layers[0], 'pre')).toEqual([]);
  });
});

describe('legitimate zeros and healthy runs carry no flag', () => {
  it('zeros init: Z, H and ∂L/∂W are exactly 0 (∂L/∂Z stops at the last layer) and nothing is flagged', async () => {
    const result = await run({ activation: 'tanh', sweep: [{ kind: 'zeros' }] });
    const layers = result.series[0].layers;
    expect(layers.every((l) => l.pre.meanSq === 0 && l.post.meanSq === 0 && l.weightGrad!.meanSq === 0)).toBe(true);
    expect(layers[0].grad!.meanSq).toBe(0);
    expect(allFlags(result)).toEqual([]);
  });

  it('a constant init over an input summing to 0: Z is exactly 0 from normal terms, and nothing is flagged', async () => {
    const result = await run({
      activation: 'linear',
      input: { values: [1, -1, 2, -2] },
      sweep: [{ kind: 'constant', value: 0.5 }],
    });
    expect(result.series[0].layers[0].pre.meanSq).toBe(0);
    expect(allFlags(result)).toEqual([]);
  });

  it('dead ReLU: a bias of −10 turns every unit off, and the zeros that follow are not flagged', async () => {
    const result = await run({
      bias: -10,
      input: { distribution: 'normal', batch: 4, width: 10 },
      sweep: [{ kind: 'he-normal' }],
    });
    const layers = result.series[0].layers;
    expect(layers.every((l) => l.post.meanSq === 0 && l.grad!.meanSq === 0 && l.weightGrad!.meanSq === 0)).toBe(true);
    expect(allFlags(result)).toEqual([]);
  });

  it('the seed experiment, forward and backward, has no flags', async () => {
    expect(allFlags(await run({}, false))).toEqual([]);
    expect(allFlags(await run({}))).toEqual([]);
  });

  it('He at width 256, and tanh and GELU with bias, forward and backward over a batch, have no flags', async () => {
    const batch = { input: { distribution: 'normal' as const, batch: 16, width: 256 }, width: 256, depth: 12 };
    expect(allFlags(await run({ ...batch, sweep: [{ kind: 'he-normal' }] }))).toEqual([]);
    for (const activation of ['tanh', 'gelu'] as const) {
      expect(
        allFlags(await run({ activation, bias: 0.1, width: 64, depth: 8, sweep: [{ kind: 'xavier-normal' }] })),
      ).toEqual([]);
    }
  });
});
