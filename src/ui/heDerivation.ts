/**
 * He's derivation checked step by step on a live ReLU network: each formula's prediction, from measured inputs, beside
 * the engine's measurement of the same quantity. Batch statistics over many rows, so sampling noise is small.
 */
import type { ExperimentConfig } from '../lab/config';
import { distributionVariance, weightDistribution, type InitSpec } from '../lab/initializers';
import type { RunResult } from '../lab/results';
import { el } from './dom';
import { formatNumber } from './format';
import { registerResult } from './testHooks';

const SPEC: InitSpec = { kind: 'he-normal' };
const WIDTH = 64;
const BATCH = 64;
/** The formulas hold on average over the weights; 16 draws bring one layer's spread to a few percent. */
const TRIALS = 16;

export function heDerivationConfig(config: ExperimentConfig): ExperimentConfig {
  return {
    ...config,
    trials: TRIALS,
    depth: 5,
    width: WIDTH,
    bias: 0,
    activation: 'relu',
    input: { distribution: 'normal', batch: BATCH, width: WIDTH },
    sweep: [SPEC],
  };
}

export function drawHeDerivation(host: HTMLElement, result: RunResult): void {
  const layers = result.series[0].layers;
  const n = WIDTH;
  const varW = distributionVariance(weightDistribution(SPEC, n, n));
  const header = ['layer l', 'Var[W]', 'n_in·Var[W]·E[H²ₗ₋₁]', 'E[Z²ₗ] measured', '½·E[Z²ₗ]', 'E[H²ₗ] measured', '½·Var[Zₗ]', 'Var[Hₗ] measured'];
  const rows = layers.slice(1).map((layer, i) => {
    const previous = layers[i];
    const cells = [
      String(layer.layer),
      formatNumber(varW),
      formatNumber(n * varW * previous.post.meanSq),
      formatNumber(layer.pre.meanSq),
      formatNumber(layer.pre.meanSq / 2),
      formatNumber(layer.post.meanSq),
      formatNumber(layer.pre.var / 2),
      formatNumber(layer.post.var),
    ];
    return el('tr', {}, cells.map((text, c) => el(c === 0 ? 'th' : 'td', { text, className: c === 3 || c === 5 || c === 7 ? 'measured' : '' })));
  });
  const table = el('table', { className: 'layer-table derivation-table', testid: 'he-derivation-table' }, [
    el('caption', { text: `He normal on ReLU, width ${n}, a batch of ${BATCH} N(0,1) inputs, averaged over ${TRIALS} draws of the weights (${result.engine.toUpperCase()} engine). Step 2: columns 3 and 4 agree within sampling error. Step 3: columns 5 and 6 agree; columns 7 and 8 do not, since ReLU does not halve the variance.` }),
    el('thead', {}, [el('tr', {}, header.map((h) => el('th', { text: h })))]),
    el('tbody', {}, rows),
  ]);
  host.replaceChildren(el('div', { className: 'table-wrap' }, [table]));
  registerResult('he-derivation', { layers });
}
