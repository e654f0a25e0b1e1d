/**
 * He's derivation checked step by step on a live ReLU network: each formula's prediction (theory.ts) beside the
 * engine's measurement of the same quantity. Batch statistics over many rows, so sampling noise is small.
 * Lecture mode shows fewer columns, the measurements with their ratio to theory, set as large as the prose.
 */
import type { ExperimentConfig } from '../lab/config';
import { firstNetwork } from '../lab/grid';
import { distributionVariance, type InitSpec, weightDistribution } from '../lab/initializers';
import type { RunResult } from '../lab/results';
import { theoryCurves } from '../lab/theory';
import { el, tableRegion } from './dom';
import { formatNumber } from './format';
import { ratioNote } from './layerTable';
import { registerResult } from './testHooks';

const SPEC: InitSpec = { kind: 'he-normal' };
const WIDTH = 64;
const BATCH = 64;
/** The formulas hold on average over the weights; 16 draws bring one layer's spread to a few percent. */
const TRIALS = 16;

export function heDerivationConfig(config: ExperimentConfig): ExperimentConfig {
  return {
    ...firstNetwork(config),
    trials: TRIALS,
    depth: 5,
    width: WIDTH,
    bias: 0,
    activation: 'relu',
    input: { distribution: 'normal', batch: BATCH, width: WIDTH },
    sweep: [SPEC],
  };
}

const headRow = (header: string[]) =>
  el('thead', {}, [
    el(
      'tr',
      {},
      header.map((h) => el('th', { text: h })),
    ),
  ]);

export function drawHeDerivation(host: HTMLElement, result: RunResult): void {
  const layers = result.series[0].layers;
  const theory = theoryCurves(result.config)[0].layers;
  const varW = distributionVariance(weightDistribution(SPEC, WIDTH, WIDTH));
  const header = [
    'layer l',
    'Var[W]',
    'E[Z²ₗ] theory',
    'E[Z²ₗ] measured',
    'E[H²ₗ] theory',
    'E[H²ₗ] measured',
    'Var[Hₗ] theory',
    'Var[Hₗ] measured',
  ];
  const rows = layers.map((layer, i) => {
    const cells = [
      String(layer.layer),
      formatNumber(varW),
      formatNumber(theory[i].pre.meanSq),
      formatNumber(layer.pre.meanSq),
      formatNumber(theory[i].post.meanSq),
      formatNumber(layer.post.meanSq),
      formatNumber(theory[i].post.var),
      formatNumber(layer.post.var),
    ];
    return el(
      'tr',
      {},
      cells.map((text, c) =>
        el(c === 0 ? 'th' : 'td', { text, className: c === 3 || c === 5 || c === 7 ? 'measured' : '' }),
      ),
    );
  });
  const table = el(
    'table',
    { className: 'layer-table derivation-table lecture-hidden', testid: 'he-derivation-table' },
    [
      el('caption', {
        text: `He normal on ReLU, width ${WIDTH}, a batch of ${BATCH} N(0,1) inputs, averaged over ${TRIALS} draws of the weights (${result.engine.toUpperCase()} engine); theory from the formulas above. Step 2: measured E[Z²] follows n_in·Var[W]·E[H²ₗ₋₁] and stays level through depth. Step 3: E[H²] is half of E[Z²], while Var[H] is about 0.34·E[Z²], not half.`,
      }),
      headRow(header),
      el('tbody', {}, rows),
    ],
  );
  const measuredCell = (value: number, expected: number) =>
    el('td', { className: 'measured', text: formatNumber(value) }, ratioNote(value, expected));
  const summary = el('table', { className: 'layer-table lecture-only', testid: 'he-derivation-summary' }, [
    el('caption', { text: `Measured on He normal, ReLU, width ${WIDTH}; ×r: measured ÷ theory` }),
    headRow(['layer l', 'E[Z²ₗ]', 'E[H²ₗ]', 'Var[Hₗ]']),
    el(
      'tbody',
      {},
      layers.map((layer, i) =>
        el('tr', {}, [
          el('th', { text: String(layer.layer) }),
          measuredCell(layer.pre.meanSq, theory[i].pre.meanSq),
          measuredCell(layer.post.meanSq, theory[i].post.meanSq),
          measuredCell(layer.post.var, theory[i].post.var),
        ]),
      ),
    ),
  ]);
  host.replaceChildren(tableRegion('He derivation, measured beside theory', [table, summary]));
  registerResult('he-derivation', { config: result.config, layers, theory });
}
