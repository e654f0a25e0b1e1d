/**
 * Symmetry, trained: a network started from one constant weight and one started from He normal are trained for a
 * hundred steps on the section's data, then each hidden unit is read back — its incoming weights and bias
 * (session.parameters) and its pre-activations on training points (session.forward). The spread between units is
 * measured, not asserted: the largest difference between any unit and the layer's first one. This view only draws it.
 */
import type { Dataset } from '../lab/datasets';
import type { ForwardValues, Parameters, TrainingSession, TrainSnapshot } from '../lab/training';
import { el, tableHead, tableRegion } from './dom';
import { formatNumber } from './format';
import { registerDrawing } from './testHooks';
import { outcomeText } from './trainingSentences';

/** Training points whose pre-activations are compared across units. */
const POINTS = 16;

/** Largest |M[i, j] − M[i, 0]| over rows i and columns j of a row-major [rows × units] matrix. */
export function unitSpread(matrix: ArrayLike<number>, units: number): number {
  let spread = 0;
  for (let start = 0; start < matrix.length; start += units)
    for (let j = 1; j < units; j++) spread = Math.max(spread, Math.abs(matrix[start + j] - matrix[start]));
  return spread;
}

export interface LayerSpread {
  layer: number;
  weights: number;
  bias: number;
  activations: number;
}

/** Per hidden layer, how far apart its units are after training. */
export function hiddenSpreads(params: Parameters, values: ForwardValues, hidden: number): LayerSpread[] {
  return Array.from({ length: hidden }, (_, l) => {
    const units = params.biases[l].length;
    return {
      layer: l + 1,
      weights: unitSpread(params.weights[l], units),
      bias: unitSpread(params.biases[l], units),
      activations: unitSpread(values.pre[l], units),
    };
  });
}

const spreadText = (v: number) => (v === 0 ? '0' : formatNumber(v, 3));

/** The panel: one column per series, bars of the last hidden layer's Z for the first point, and the spreads. */
export async function drawTrainedSymmetry(
  host: HTMLElement,
  session: TrainingSession,
  snapshot: TrainSnapshot,
  data: Dataset,
  hidden: number,
): Promise<void> {
  const rows = Math.min(POINTS, data.train.rows);
  const points = data.train.x.subarray(0, rows * data.dim);
  const measured: { label: string; spreads: LayerSpread[] }[] = [];
  const panels: HTMLElement[] = [];
  for (const [s, series] of snapshot.series.entries()) {
    if (series.outcome.status === 'diverged') {
      const text = `${series.label}: ${outcomeText(series.outcome)}, its units hold no finite numbers to compare`;
      panels.push(el('div', { className: 'symmetry-panel', testid: `trained-symmetry-${s}` }, [el('h3', { text })]));
      continue;
    }
    const [params, values] = await Promise.all([session.parameters(s), session.forward(s, points, true)]);
    const spreads = hiddenSpreads(params, values, hidden);
    measured.push({ label: series.label, spreads });
    const worst = Math.max(...spreads.map((p) => Math.max(p.weights, p.bias, p.activations)));
    const z = Array.from(values.pre[hidden - 1].subarray(0, params.biases[hidden - 1].length));
    const verdict = worst === 0 ? 'every hidden unit still identical' : `units differ by up to ${spreadText(worst)}`;
    panels.push(
      el('div', { className: 'symmetry-panel', testid: `trained-symmetry-${s}` }, [
        el('h3', { text: `${series.label}, ${outcomeText(series.outcome)} after ${snapshot.step} steps: ${verdict}` }),
        bars(z, hidden),
        tableRegion(`${series.label}: spread between the units of each hidden layer`, [spreadTable(spreads, rows)]),
      ]),
    );
  }
  host.replaceChildren(...panels);
  registerDrawing('trained-symmetry', { step: snapshot.step, series: measured });
}

function bars(z: number[], layer: number): HTMLElement {
  const scale = Math.max(...z.map(Math.abs)) || 1;
  const slots = z.map((v, j) => {
    const bar = el('div', {
      className: `bar ${v < 0 ? 'negative' : ''}`,
      attrs: { title: `unit ${j + 1}: Z = ${formatNumber(v)}` },
    });
    bar.style.height = `${(Math.abs(v) / scale) * 100}%`;
    return el('div', { className: 'bar-slot' }, [bar]);
  });
  return el('div', {}, [
    el(
      'div',
      {
        className: 'bars',
        attrs: {
          role: 'img',
          'aria-label': `Z of units 1–${z.length}, layer ${layer}: ${z.map((v) => formatNumber(v)).join(', ')}`,
        },
      },
      slots,
    ),
    el('p', {
      className: 'axis-note',
      text: `Z of units 1–${z.length} of layer ${layer} for the first training point (height ∝ |Z|, hatched if negative)`,
    }),
  ]);
}

function spreadTable(spreads: LayerSpread[], points: number): HTMLTableElement {
  const head = ['layer', 'incoming weights', 'bias', `Z on ${points} points`];
  return el('table', { className: 'layer-table' }, [
    el('caption', { text: 'Largest difference between a unit and unit 1' }),
    tableHead(head),
    el(
      'tbody',
      {},
      spreads.map((p) =>
        el('tr', {}, [
          el('th', { text: String(p.layer), attrs: { scope: 'row' } }),
          ...[p.weights, p.bias, p.activations].map((v) => el('td', { text: spreadText(v) })),
        ]),
      ),
    ),
  ]);
}
