/**
 * Every number the page's prose states (index.html marks each with data-claim="name") recomputed here: by theory.ts for
 * the formula numbers and by an independent Monte-Carlo (tests/reluNetworks.ts) for the facts about many networks. A
 * claim passes when the printed number equals the computed one to its printed precision, widened by the Monte-Carlo's
 * sampling error; a claim on the page that this table does not know, or one it knows that the page lost, fails.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { activations, bindActivation } from '../../src/lab/activations';
import { defaultConfig } from '../../src/lab/config';
import { MAX_JACOBIAN_WIDTH } from '../../src/lab/jacobian';
import { chi1, correlationFixedPoint, lengthFixedPoint } from '../../src/lab/meanField';
import { criticalSigmaW } from '../../src/lab/phase';
import { theoryCurves } from '../../src/lab/theory';
import { ISOMETRY_INPUT_SCALE } from '../../src/ui/signalConfigs';
import { fractionWhere, simulateReluNetworks } from '../reluNetworks';

/** Three standard errors: a true claim fails by chance less than once in 300 per check. */
const SAMPLING_ERRORS = 3;
/** Exact formula numbers printed as fractions must match to float64 rounding. */
const EXACT = 1e-12;

interface Printed {
  value: number;
  /** Half a unit in the last printed digit: how far the true value may be from what is printed. */
  halfUnit: number;
}

function parsePrinted(text: string): Printed {
  const trimmed = text.trim();
  const fraction = trimmed.match(/^(\d+)\/(\d+)$/);
  if (fraction) return { value: Number(fraction[1]) / Number(fraction[2]), halfUnit: EXACT };
  const percent = trimmed.endsWith('%');
  const digits = trimmed.replace(/\s*%$/, '');
  const decimals = digits.includes('.') ? digits.split('.')[1].length : 0;
  const scale = percent ? 100 : 1;
  return { value: Number(digits) / scale, halfUnit: (0.5 * 10 ** -decimals) / scale };
}

function pageClaims(): Map<string, string[]> {
  const html = readFileSync('index.html', 'utf8');
  const claims = new Map<string, string[]>();
  for (const [, name, text] of html.matchAll(/<span data-claim="([^"]+)">([^<]*)<\/span>/g)) {
    claims.set(name, [...(claims.get(name) ?? []), text]);
  }
  return claims;
}

const SEED_INPUT = [1, 2, 3, 4, 5];
const NARROW = 10;
const DEPTH = 8;
const last = DEPTH - 1;
const normSq = SEED_INPUT.reduce((s, x) => s + x * x, 0);
const he = (_layer: number, fanIn: number) => Math.sqrt(2 / fanIn);

/** A fraction of N draws: its sampling error is √(p(1 − p)/N). */
function expectFraction(printed: Printed, fraction: number, draws: number, what: string): void {
  const error = SAMPLING_ERRORS * Math.sqrt((fraction * (1 - fraction)) / draws);
  expect(Math.abs(printed.value - fraction), what).toBeLessThanOrEqual(printed.halfUnit + error);
}

/**
 * A median of N draws, distribution-free: the fraction of draws below the printed value (moved by half a printed unit
 * towards the middle) must be within sampling error of ½.
 */
function expectMedian(printed: Printed, values: ArrayLike<number>, what: string): void {
  const error = SAMPLING_ERRORS * Math.sqrt(0.25 / values.length);
  expect(
    fractionWhere(values, (v) => v < printed.value - printed.halfUnit),
    what,
  ).toBeLessThanOrEqual(0.5 + error);
  expect(
    fractionWhere(values, (v) => v < printed.value + printed.halfUnit),
    what,
  ).toBeGreaterThanOrEqual(0.5 - error);
}

const expectExact = (printed: Printed, value: number, what: string) =>
  expect(Math.abs(printed.value - value), what).toBeLessThanOrEqual(printed.halfUnit + EXACT * Math.abs(value));

const ratios = (top: Float64Array, bottom: Float64Array) => top.map((v, k) => v / bottom[k]);

/** The claims this file checks; the page must state exactly these. */
const CLAIMS = [
  'sigma-half-growth',
  'sigma-half-total',
  'sigma-one-growth',
  'variance-factor-width-10',
  'tanh-gain-squared',
  'relu-gain-squared',
  'he-over-xavier-5-10',
  'sigma-half-shrinks',
  'sigma-half-tenfold',
  'below-theory',
  'median-over-theory',
  'dead-width-10',
  'he-median-width-10',
  'he-median-width-100',
  'backward-mean-bias',
  'tanh-ordered-chi',
  'tanh-chaotic-q',
  'tanh-chaotic-chi',
  'tanh-chaotic-c',
  'tanh-edge-sigma',
  'relu-edge-sigma-squared',
  'jacobian-width-limit',
  'isometry-input-q',
] as const;

describe('every number in the prose is the computation it reports', () => {
  const claims = pageClaims();
  const printed = (name: (typeof CLAIMS)[number]): Printed[] => {
    const texts = claims.get(name);
    expect(texts, `the page states ${name}`).toBeDefined();
    return texts!.map(parsePrinted);
  };

  it('the σ rules: ×1.25 per layer and ×4.8 over 8 layers at σ = 0.5, ×5 at σ = 1, and the variance factor 0.9', () => {
    const growth = (sigma: number) =>
      theoryCurves({ ...defaultConfig(), sweep: [{ kind: 'normal', sigma }] })[0].layers.map((l) => l.pre.meanSq);
    const half = growth(0.5);
    for (const p of printed('sigma-half-growth')) expectExact(p, half[1] / half[0], 'σ = 0.5 per layer');
    for (const p of printed('sigma-half-total')) expectExact(p, half[last] / half[0], 'σ = 0.5, layer 1 to 8');
    const one = growth(1);
    for (const p of printed('sigma-one-growth')) expectExact(p, one[1] / one[0], 'σ = 1 per layer');
    // E[Var over n units] = (1 − 1/n)·E[Z²]; the Monte-Carlo's first layer checks the factor itself.
    const draws = simulateReluNetworks({ ...seedShape(0.5), networks: 20_000, seed: 1 });
    const q1 = 0.25 * normSq;
    const factor = draws.preVar[0].reduce((s, v) => s + v, 0) / draws.preVar[0].length / q1;
    const spread = Math.sqrt(draws.preVar[0].reduce((s, v) => s + (v / q1 - factor) ** 2, 0) / draws.preVar[0].length);
    for (const p of printed('variance-factor-width-10')) {
      expectExact(p, 1 - 1 / NARROW, '1 − 1/n');
      expect(Math.abs(factor - p.value)).toBeLessThanOrEqual(SAMPLING_ERRORS * (spread / Math.sqrt(20_000)));
    }
  });

  it('the gains and He against Xavier on a 5 → 10 layer', () => {
    for (const p of printed('tanh-gain-squared')) expectExact(p, activations.tanh.gain({ slope: 0 }) ** 2, 'tanh');
    for (const p of printed('relu-gain-squared')) expectExact(p, activations.relu.gain({ slope: 0 }) ** 2, 'ReLU');
    for (const p of printed('he-over-xavier-5-10')) expectExact(p, 2 / 5 / (2 / (5 + 10)), 'He ÷ Xavier');
  });

  it('width-10 networks at σ = 0.5: how many shrink, grow tenfold, end below the line, and die', () => {
    const networks = 100_000;
    const draws = simulateReluNetworks({ ...seedShape(0.5), networks, seed: 2 });
    const growth = ratios(draws.preVar[last], draws.preVar[0]);
    const line = 0.25 * normSq * 1.25 ** last;
    const overLine = draws.preVar[last].map((v) => v / line);
    for (const p of printed('sigma-half-shrinks'))
      expectFraction(
        p,
        fractionWhere(growth, (r) => r < 1),
        networks,
        'shrinks',
      );
    for (const p of printed('sigma-half-tenfold'))
      expectFraction(
        p,
        fractionWhere(growth, (r) => r > 10),
        networks,
        'tenfold',
      );
    for (const p of printed('below-theory'))
      expectFraction(
        p,
        fractionWhere(overLine, (r) => r < 1),
        networks,
        'below',
      );
    for (const p of printed('median-over-theory')) expectMedian(p, overLine, 'median ÷ line');
    const dead = fractionWhere(draws.postMeanSq[last], (v) => v === 0);
    for (const p of printed('dead-width-10')) expectFraction(p, dead, networks, 'every layer-8 unit off');
  });

  it("He's median network: Var(Z₈)/Var(Z₁) at width 10 and at width 100", () => {
    const narrow = simulateReluNetworks({ ...seedShape(0), weightStd: he, networks: 100_000, seed: 3 });
    for (const p of printed('he-median-width-10'))
      expectMedian(p, ratios(narrow.preVar[last], narrow.preVar[0]), 'width 10');
    const wide = simulateReluNetworks({ ...seedShape(0), width: 100, weightStd: he, networks: 50_000, seed: 4 });
    const wideRatio = ratios(wide.preVar[last], wide.preVar[0]);
    for (const p of printed('he-median-width-100')) expectMedian(p, wideRatio, 'width 100');
  }, 120_000);

  it('the backward rule misses the mean gradient of width-10 He networks by about 1 %', () => {
    const networks = 100_000;
    const draws = simulateReluNetworks({ ...seedShape(0), weightStd: he, networks, seed: 5, backward: true });
    // He (fan_in) keeps E[δ_l²] at E[φ′(Z_L)²] = ½ at every layer, by theory.ts.
    const theory = theoryCurves({ ...defaultConfig(), sweep: [{ kind: 'he-normal' }] })[0].layers;
    const biases = draws.gradMeanSq!.map((g, l) => {
      const mean = g.reduce((s, v) => s + v, 0) / networks;
      const sd = Math.sqrt(g.reduce((s, v) => s + (v - mean) ** 2, 0) / networks);
      return { bias: 1 - mean / theory[l].grad.meanSq, error: sd / Math.sqrt(networks) / theory[l].grad.meanSq };
    });
    for (const p of printed('backward-mean-bias')) {
      biases.forEach(({ bias, error }, l) => {
        expect(Math.abs(bias), `layer ${l + 1}`).toBeLessThanOrEqual(p.value + p.halfUnit + SAMPLING_ERRORS * error);
      });
      // The last layer's mean is the best determined: its bias is the size the prose names.
      const { bias, error } = biases[last];
      expect(Math.abs(bias - p.value), 'layer 8').toBeLessThanOrEqual(p.halfUnit + SAMPLING_ERRORS * error);
    }
  }, 120_000);

  it('the mean field of tanh at σ_b = 0.1: χ₁ at σ_w = 0.8; q*, χ₁ and c* at σ_w = 2.5; the edge between them', () => {
    const tanh = bindActivation('tanh', { slope: 0 });
    const at = (sigmaW: number) => {
      const point = { phi: tanh, sigmaW, sigmaB: 0.1 };
      const qStar = lengthFixedPoint(point, sigmaW ** 2 + 0.01);
      return { qStar, chi: chi1(point, qStar), cStar: correlationFixedPoint(point, qStar) };
    };
    const [ordered, chaotic] = [at(0.8), at(2.5)];
    for (const p of printed('tanh-ordered-chi')) expectExact(p, ordered.chi, 'χ₁ at σ_w = 0.8');
    for (const p of printed('tanh-chaotic-q')) expectExact(p, chaotic.qStar, 'q* at σ_w = 2.5');
    for (const p of printed('tanh-chaotic-chi')) expectExact(p, chaotic.chi, 'χ₁ at σ_w = 2.5');
    for (const p of printed('tanh-chaotic-c')) expectExact(p, chaotic.cStar, 'c* at σ_w = 2.5');
    for (const p of printed('tanh-edge-sigma')) expectExact(p, criticalSigmaW(tanh, 0.1, 0.5, 4)!, 'the edge');
  });

  it("ReLU's edge σ_w² = 2 at every σ_b, the Jacobian's width limit, the isometry input's q₀", () => {
    const relu = bindActivation('relu', { slope: 0 });
    for (const p of printed('relu-edge-sigma-squared'))
      for (const sigmaB of [0, 0.35, 0.7])
        expectExact(p, criticalSigmaW(relu, sigmaB, 0.3, 3)! ** 2, `σ_b = ${sigmaB}`);
    for (const p of printed('jacobian-width-limit')) expectExact(p, MAX_JACOBIAN_WIDTH, 'width limit');
    for (const p of printed('isometry-input-q')) expectExact(p, ISOMETRY_INPUT_SCALE ** 2, 'q₀');
  });

  it('every claim on the page is checked here, and every claim checked here is on the page', () => {
    expect([...claims.keys()].sort()).toEqual([...CLAIMS].sort());
  });
});

describe("the prose's scaling argument", () => {
  /** Scaled weights differ from σ = 1's by one rounding each; 8 layers of sums and products keep the ratio within 1e-12. */
  const SCALING_RELATIVE_TOLERANCE = 1e-12;

  it('with ReLU and zero bias, σ only rescales: Var(Z_l) by σ^(2l), and every weight gradient by σ^(2(L−1)) in second moment', async () => {
    const sigma = 1e-5;
    // Series 0 both times: the same unit draws, scaled by σ and by 1.
    const run = (s: number) =>
      new CpuEngine().run({ ...defaultConfig(), sweep: [{ kind: 'normal', sigma: s }] }, { backward: true });
    const [small, unit] = await Promise.all([run(sigma), run(1)]);
    small.series[0].layers.forEach((layer, l) => {
      const at = unit.series[0].layers[l];
      const expectRatio = (actual: number, expected: number, what: string) =>
        expect(Math.abs(actual / expected - 1), `${what}, layer ${l + 1}`).toBeLessThan(SCALING_RELATIVE_TOLERANCE);
      expectRatio(layer.pre.var / at.pre.var, sigma ** (2 * (l + 1)), 'Var(Z)');
      expectRatio(layer.weightGrad!.meanSq / at.weightGrad!.meanSq, sigma ** (2 * (DEPTH - 1)), 'E[(∂L/∂W)²]');
    });
  });
});

function seedShape(sigma: number): Omit<Parameters<typeof simulateReluNetworks>[0], 'networks' | 'seed'> {
  return { input: SEED_INPUT, width: NARROW, depth: DEPTH, weightStd: () => sigma };
}
