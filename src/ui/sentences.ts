/**
 * The page's sentences that depend on what the reader has chosen, built from a finished run and theory.ts: which
 * network a figure shows, and the numbers a paragraph quotes (growth per layer, medians, the fan_out factor). Plain
 * functions of a result, with no DOM, so that a sentence is tested like any other computation.
 */
import { type ActivationName, activations } from '../lab/activations';
import { biasText, isZeroBias } from '../lab/bias';
import { type ExperimentConfig, inputWidth } from '../lab/config';
import { isGrid } from '../lab/grid';
import { runTheory } from '../lab/gridTheory';
import type { RunResult, SeriesResult } from '../lab/results';
import { theoryCurves } from '../lab/theory';
import { formatNumber } from './format';

const ACTIVATION_NAMES: Record<ActivationName, string> = {
  linear: 'linear',
  relu: 'ReLU',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  'leaky-relu': 'leaky ReLU',
  gelu: 'GELU',
};
export const activationLabel = (name: ActivationName) => ACTIVATION_NAMES[name];
export const activationName = (config: ExperimentConfig) => ACTIVATION_NAMES[config.activation];

const figure = (x: number) => formatNumber(x, 3);

function inputText(config: ExperimentConfig): string {
  const input = config.input;
  if ('values' in input) return `X = [${input.values.join(', ')}]`;
  if (input.distribution === 'pairs')
    return `${input.batch / 2} pairs of N(0, 1) inputs of width ${input.width}, correlation ${input.correlation}`;
  return `a batch of ${input.batch} random ${input.distribution === 'normal' ? 'N(0, 1)' : 'U(−1, 1)'} inputs of width ${input.width}`;
}

/** "64, 128 or 256": the values of a grid axis (grid.ts), or the field's one value. */
function alternatives(values: number[] | null, value: number): string {
  if (!values) return String(value);
  return values.length > 1 ? `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}` : String(values[0]);
}

/** "ReLU, 8 layers of 10 neurons, X = [1, 2, 3, 4, 5]" (and the bias when it is not 0); a grid's lists as "64 or 128". */
export function shapeText(config: ExperimentConfig): string {
  const bias = isZeroBias(config.bias) ? '' : `, ${biasText(config.bias)}`;
  const depth = alternatives(config.axes.depth, config.depth);
  const width = alternatives(config.axes.width, config.width);
  return `${activationName(config)}, ${depth} layers of ${width} neurons, ${inputText(config)}${bias}`;
}

const networksText = (trials: number) => (trials === 1 ? 'one network per series' : `${trials} networks per series`);

export function seedSetting(config: ExperimentConfig): string {
  return `Running now, from the panel: ${shapeText(config)}; ${networksText(config.trials)}.`;
}

/** A ratio means something only between two positive, finite figures: otherwise null. */
function ratio(top: number, bottom: number): number | null {
  const r = top / bottom;
  return Number.isFinite(r) && r > 0 ? r : null;
}

/**
 * E[Z_L²] ÷ E[Z_1²] by theory for series `series` (of a grid too, on its own network), or null where theory has no
 * curve or no ratio (zero weights), or the network one layer.
 */
function theoryGrowth(config: ExperimentConfig, series: number): number | null {
  const layers = runTheory(config)[series].layers;
  return layers.length > 1 ? ratio(layers[layers.length - 1].pre.meanSq, layers[0].pre.meanSq) : null;
}

const perLayer = (r: number | null, depth: number) => (r === null ? null : r ** (1 / (depth - 1)));
/** "×1.25", or words where there is no ratio. */
const times = (r: number | null) => (r === null ? 'no ratio (a figure is 0)' : `×${figure(r)}`);

/** The series whose second moment theory expects to grow the most (it decides whether a sweep explodes), if any. */
function fastestSeries(config: ExperimentConfig): number | null {
  let fastest: number | null = null;
  let most = -Infinity;
  runTheory(config).forEach((_, i) => {
    const growth = theoryGrowth(config, i);
    if (growth !== null && growth > most) [fastest, most] = [i, growth];
  });
  return fastest;
}

const varianceRatio = (s: SeriesResult, depth: number, of: 'mean' | 'median') =>
  of === 'mean'
    ? ratio(s.layers[depth - 1].pre.var, s.layers[0].pre.var)
    : ratio(s.layers[depth - 1].pre.median.var, s.layers[0].pre.median.var);

/**
 * Theory's growth per layer for every series of the panel's network, and how far the drawn networks went. A grid's
 * series are networks of their own depth: each series' growth is per layer of its own network.
 */
export function seedGrowth(result: RunResult): string {
  const config = result.config;
  if (Math.max(...(config.axes.depth ?? [config.depth])) < 2)
    return 'With one layer there is no growth from layer to layer to see.';
  const fastest = fastestSeries(config);
  if (fastest === null) return '';
  const parts = result.series.flatMap((s, i) => {
    const growth = theoryGrowth(config, i);
    return growth === null || s.layers.length < 2 ? [] : [`${s.label}: ${times(perLayer(growth, s.layers.length))}`];
  });
  const series = result.series[fastest];
  const depth = series.layers.length;
  const drawn = config.trials === 1 ? 'The one network drawn' : `The mean of the ${config.trials} networks drawn`;
  return (
    `For the panel's ${isGrid(config) ? 'networks' : 'network'} (${shapeText(config)}) theory expects E[Z²] to change per layer by ${parts.join('; ')}. ` +
    `${drawn} at ${series.label} went ${times(varianceRatio(series, depth, 'mean'))} from Var(Z₁) to Var(Z${subscript(depth)}), ` +
    `against ${times(theoryGrowth(config, fastest))} expected.`
  );
}

/** Names the setting a ReLU paragraph describes when the panel's network is another. */
export function reluNote(config: ExperimentConfig): string {
  if (config.activation === 'relu' && isZeroBias(config.bias)) return '';
  return `The panel's network is ${activationName(config)}${isZeroBias(config.bias) ? '' : ` with ${biasText(config.bias)}`}: this paragraph describes ReLU with zero bias, while the charts and their dashed curves follow the panel.`;
}

/** Said where a section draws one network shape while the panel lists several widths or depths (grid.ts). */
function firstOfGrid(panel: ExperimentConfig | undefined): string {
  if (!panel) return '';
  const lists = [
    ...(panel.axes.width ? [`widths ${panel.axes.width.join(', ')}`] : []),
    ...(panel.axes.depth ? [`depths ${panel.axes.depth.join(', ')}`] : []),
  ];
  return lists.length
    ? ` The panel lists ${lists.join(' and ')}: this section draws the first network of that list.`
    : '';
}

export function ensembleSetting(config: ExperimentConfig, panel?: ExperimentConfig): string {
  return `It draws ${networksText(config.trials)} of the panel's shape (${shapeText(config)}).${firstOfGrid(panel)}`;
}

/** The mean's growth per layer and the median network's distance from the line, for the fastest-growing series. */
export function ensembleGrowth(result: RunResult): string {
  const config = result.config;
  const depth = config.depth;
  const fastest = fastestSeries(config);
  if (depth < 2 || config.trials < 2 || fastest === null) return '';
  const line = theoryCurves(config)[fastest].layers[depth - 1].pre.var;
  const series = result.series[fastest];
  return (
    `In these ${config.trials} networks, the mean Var(Z) of ${series.label} grows ${times(perLayer(varianceRatio(series, depth, 'mean'), depth))} ` +
    `per layer from layer 1 to ${depth} (theory: ${times(perLayer(theoryGrowth(config, fastest), depth))}), ` +
    `and the median network's Var(Z${subscript(depth)}) is the dashed line ${times(ratio(series.layers[depth - 1].pre.median.var, line))}.`
  );
}

/** Which networks a wide, many-draw section runs, and how they differ from the panel's. */
export function sectionSetting(config: ExperimentConfig, panel: ExperimentConfig | undefined): string {
  const widened =
    panel && panel.width < config.width
      ? ` (the panel's width ${panel.width}, raised so that single networks scatter less)`
      : '';
  return `This section's networks: ${shapeText(config)}${widened}; ${networksText(config.trials)}.${firstOfGrid(panel)}`;
}

/** He's first-layer variance against Xavier's, on the section's first layer. */
export function heFirstLayer(config: ExperimentConfig): string {
  const fanIn = inputWidth(config);
  const fanOut = config.width;
  return `In this section's networks the first layer has ${fanIn} inputs and ${fanOut} neurons: He's 2/${fanIn} is ${Number(((fanIn + fanOut) / fanIn).toPrecision(3))} times Xavier's 2/${fanIn + fanOut}.`;
}

/** Where He's median and mean end, against their first layer, and Xavier's mean decay (series 0: He, series 1: Xavier). */
export function heResult(result: RunResult): string {
  const config = result.config;
  const depth = config.depth;
  if (depth < 2) return '';
  const [he, xavier] = result.series;
  const relu =
    config.activation === 'relu'
      ? ''
      : ` He's factor 2 is derived for ReLU; with ${activationName(config)} it is not the one that keeps the level.`;
  return (
    `Across these ${config.trials} networks, He's median Var(Z${subscript(depth)}) is ${times(varianceRatio(he, depth, 'median'))} of its median Var(Z₁) ` +
    `and its mean ${times(varianceRatio(he, depth, 'mean'))}; Xavier's mean changes ${times(perLayer(varianceRatio(xavier, depth, 'mean'), depth))} per layer.${relu}`
  );
}

/** The fan_out factor on the forward curve, and whether the two modes' backward curves agree for this activation. */
export function backwardModes(config: ExperimentConfig): string {
  const n0 = inputWidth(config);
  const homogeneous = activations[config.activation].homogeneous && isZeroBias(config.bias);
  const factor = `Here n₀ = ${n0} and the width is ${config.width}: fan_out's first-layer variance is ${figure(n0 / config.width)} of fan_in's`;
  return homogeneous
    ? `${factor}, and with ${activationName(config)} its forward curve sits that far below fan_in's at every layer. The two modes' gradient curves agree: a gradient never passes back through the first weights, and ${activationName(config)}'s φ′ depends only on the sign of Z, which the first weights' scale does not change.`
    : `${factor}. With ${activationName(config)}${isZeroBias(config.bias) ? '' : ` and ${biasText(config.bias)}`}, the network is not scale-free: the smaller forward signal changes the shape of every later layer, and φ′(Z) depends on the size of Z, not only its sign, so the two modes' gradient curves differ too.`;
}

/** Xavier's factor per layer back (series `xavier` of the backward run), by theory, beside its factor forward. */
export function backwardXavier(config: ExperimentConfig, xavier: number): string {
  const depth = config.depth;
  const layers = theoryCurves(config)[xavier].layers;
  if (depth < 2 || !layers.length) return '';
  const back = perLayer(ratio(layers[0].grad.meanSq, layers[depth - 1].grad.meanSq), depth);
  const forward = perLayer(theoryGrowth(config, xavier), depth);
  return `Xavier, on ${activationName(config)}, multiplies the gradient's second moment by ${times(back)} per layer back, on average by theory, and E[Z²] by ${times(forward)} per layer forward.`;
}

const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';
export const subscript = (n: number) => [...String(n)].map((d) => SUBSCRIPTS[Number(d)]).join('');
