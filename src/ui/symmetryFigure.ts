/**
 * One layer's neurons side by side under a constant and under a random initialization. The numbers are the engine's
 * captured pre-activations (trial 0, first input row); this view only draws them.
 */
import type { ExperimentConfig } from '../lab/config';
import { firstNetwork } from '../lab/grid';
import type { InitSpec } from '../lab/initializers';
import type { RunResult } from '../lab/results';
import { el } from './dom';
import { formatNumber } from './format';
import { registerResult } from './testHooks';

const MAX_NEURONS = 16;
const LAYER = 2;
export const SYMMETRY_SPECS: InitSpec[] = [{ kind: 'constant', value: 0.2 }, { kind: 'he-normal' }];

/** The lab's config (its first network, where it lists several) with two layers, at most 16 neurons, and the two initializers to contrast. */
export function symmetryConfig(config: ExperimentConfig): ExperimentConfig {
  const network = firstNetwork(config);
  return { ...network, trials: 1, depth: LAYER, width: Math.min(network.width, MAX_NEURONS), sweep: SYMMETRY_SPECS };
}
export const SYMMETRY_CAPTURE = [0];

export function drawSymmetry(host: HTMLElement, result: RunResult): void {
  const capture = result.capture;
  if (!capture) throw new Error('The symmetry view needs captured rows.');
  const panels = result.series.map((series, s) => {
    const z = Array.from(capture.preActivations[s][LAYER - 1]);
    const scale = Math.max(...z.map(Math.abs)) || 1;
    const bars = z.map((v, j) => {
      const bar = el('div', {
        className: `bar ${v < 0 ? 'negative' : ''}`,
        attrs: { title: `neuron ${j + 1}: Z = ${formatNumber(v)}` },
      });
      bar.style.height = `${(Math.abs(v) / scale) * 100}%`;
      return el('div', { className: 'bar-slot' }, [bar]);
    });
    const distinct = new Set(z).size;
    const verdict = distinct === 1 ? 'every neuron identical' : `${distinct} different values`;
    return el('div', { className: 'symmetry-panel', testid: `symmetry-${s}` }, [
      el('h3', { text: `${series.label}: ${verdict}` }),
      el(
        'div',
        {
          className: 'bars',
          attrs: {
            role: 'img',
            'aria-label': `Z of neurons 1–${z.length}: ${z.map((v) => formatNumber(v)).join(', ')}`,
          },
        },
        bars,
      ),
      el('p', {
        className: 'axis-note',
        text: `Z of neurons 1–${z.length}, layer ${LAYER} (bar height ∝ |Z|, hatched if negative)`,
      }),
    ]);
  });
  host.replaceChildren(...panels);
  registerResult('symmetry', {
    series: result.series.map((s, i) => ({
      label: s.label,
      preActivations: Array.from(capture.preActivations[i][LAYER - 1]),
    })),
  });
}
