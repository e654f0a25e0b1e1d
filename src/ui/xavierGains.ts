/**
 * Xavier's gains column: for every activation of the lab, its gain and what Xavier's variance does to E[Z²] forward and
 * to the gradient's second moment backward on the Xavier section's network, with gain 1 and with the gain — all from
 * theory.ts (exact for the piecewise-linear activations, mean field for the others). The panel's activation is marked.
 */
import { type ActivationName, activationNames, bindActivation } from '../lab/activations';
import type { ExperimentConfig } from '../lab/config';
import { theoryCurves } from '../lab/theory';
import { el } from './dom';
import { formatNumber } from './format';
import { activationLabel } from './sentences';

/**
 * A ratio over the network, and the factor of one step among the deep layers, where the forward signal has settled
 * (the last step forward, the first step back); null with one layer.
 */
export interface Travel {
  ratio: number;
  deepStep: number | null;
}

export interface GainRow {
  activation: ActivationName;
  gain: number;
  /** E[Z_L²] ÷ E[Z_1²] forward, then E[δ_1²] ÷ E[δ_L²] backward, each with gain 1 and with `gain`. */
  forward: [Travel, Travel];
  backward: [Travel, Travel];
}

/** The table's numbers for the section's network (its width, depth, input and bias) under every activation. */
export function gainRows(config: ExperimentConfig): GainRow[] {
  const last = config.depth - 1;
  const step = (from: number, to: number) => (last > 0 ? to / from : null);
  return activationNames.map((name) => {
    const gain = bindActivation(name, config).gain;
    const curves = theoryCurves({
      ...config,
      activation: name,
      sweep: [{ kind: 'xavier-normal' }, { kind: 'xavier-normal', gain }],
    });
    const forward = (i: number): Travel => {
      const q = curves[i].layers.map((l) => l.pre.meanSq);
      return { ratio: q[last] / q[0], deepStep: step(q[last - 1], q[last]) };
    };
    const backward = (i: number): Travel => {
      const g = curves[i].layers.map((l) => l.grad.meanSq);
      return { ratio: g[0] / g[last], deepStep: step(g[last], g[last - 1]) };
    };
    return { activation: name, gain, forward: [forward(0), forward(1)], backward: [backward(0), backward(1)] };
  });
}

/**
 * "×0.0078 (deep step ×0.5)": the ratio over the network, and the factor of one deep step, where a signal that settles
 * at a fixed level shows ×1.00 however far it travelled to get there.
 */
function travelText({ ratio, deepStep }: Travel): string {
  return `×${formatNumber(ratio, 3)}${deepStep === null ? '' : ` (deep step ×${formatNumber(deepStep, 3)})`}`;
}

export function renderGainTable(host: HTMLElement, config: ExperimentConfig): void {
  const depth = config.depth;
  const rows = gainRows(config).map((row) => {
    const current = row.activation === config.activation;
    const cells = [
      activationLabel(row.activation) + (current ? ' (panel)' : ''),
      formatNumber(row.gain, 4),
      ...[...row.forward, ...row.backward].map(travelText),
    ];
    return el(
      'tr',
      { className: current ? 'current' : '', attrs: { 'data-activation': row.activation } },
      cells.map((text, c) => el(c === 0 ? 'th' : 'td', { text })),
    );
  });
  const header = ['activation', 'gain', 'E[Z²], gain 1', 'E[Z²], gain', 'gradient, gain 1', 'gradient, gain'];
  host.replaceChildren(
    el('table', { className: 'layer-table gains-table lecture-hidden', testid: 'xavier-table' }, [
      el('caption', {
        text: `Theory for this section's network (${config.width} wide, ${depth} layers): E[Z²] from layer 1 to ${depth}, and the gradient's second moment from layer ${depth} back to 1, under Var[W] = gain²·2/(n_in + n_out); in brackets the factor of one step among the deep layers, where the forward signal has settled (the last step forward, the first step back). The gains are PyTorch's calculate_gain, except GELU's, which PyTorch lacks (1/√E[φ(z)²]).`,
      }),
      el('thead', {}, [
        el(
          'tr',
          {},
          header.map((h) => el('th', { text: h })),
        ),
      ]),
      el('tbody', {}, rows),
    ]),
    lectureSummary(config),
  );
}

/** On a slide, the panel's activation alone, its figures one per row: the whole table does not fit beside the chart. */
function lectureSummary(config: ExperimentConfig): HTMLElement {
  const row = gainRows(config).find((r) => r.activation === config.activation);
  if (!row) return el('span');
  const [, forward] = row.forward;
  const [, backward] = row.backward;
  const lines = [
    ['gain', formatNumber(row.gain, 4)],
    [`E[Z²], layer 1 → ${config.depth}`, `×${formatNumber(forward.ratio, 3)}`],
    [`gradient, layer ${config.depth} → 1`, `×${formatNumber(backward.ratio, 3)}`],
  ];
  return el('table', { className: 'layer-table lecture-only', testid: 'xavier-gains-summary' }, [
    el('caption', { text: `Xavier with ${activationLabel(row.activation)}'s gain, in theory` }),
    el(
      'tbody',
      {},
      lines.map(([name, value]) => el('tr', {}, [el('th', { text: name }), el('td', { text: value })])),
    ),
  ]);
}
