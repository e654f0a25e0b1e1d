/**
 * Per-layer distributions of the current experiment, as the engine counted them (histograms of trial 0): Z, H and
 * ∂L/∂Z for one series at the layer the slider picks, and the weights of every series at that layer side by side.
 */
import { type ExperimentConfig, inputWidth } from '../lab/config';
import { firstNetwork } from '../lab/grid';
import type { Histogram } from '../lab/histogram';
import { type LayerHistograms, type RunResult, resultJson } from '../lab/results';
import { el } from './dom';
import { HistogramChart } from './histogramChart';
import { colorOf } from './palette';
import { registerResult } from './testHooks';

/** Few enough bins that a 10 × 10 layer's 100 weights still show a shape. */
export const HISTOGRAM_BINS = 24;
/** A single fixed X gives a layer only `width` values; this many random rows make its histogram readable. */
const BATCH_FOR_FIXED_INPUT = 64;

/**
 * The current experiment (its first network, where it lists several), one trial; a fixed input becomes a random
 * N(0, 1) batch of the same width.
 */
export function distributionsConfig(config: ExperimentConfig): ExperimentConfig {
  const network = firstNetwork(config);
  const input =
    'values' in network.input
      ? { distribution: 'normal' as const, batch: BATCH_FOR_FIXED_INPUT, width: inputWidth(network) }
      : network.input;
  return { ...network, trials: 1, input };
}

const QUANTITIES = [
  { key: 'pre', axis: 'Z' },
  { key: 'post', axis: 'H' },
  { key: 'grad', axis: '∂L/∂Z' },
] as const satisfies readonly { key: keyof LayerHistograms; axis: string }[];

export class DistributionsFigure {
  private readonly layer = el('input', {
    testid: 'histogram-layer',
    attrs: { type: 'range', min: '1', max: '1', step: '1', value: '1', 'aria-label': 'layer' },
  });
  private readonly layerText = el('output', { className: 'layer-value' });
  private readonly series = el('select', { testid: 'histogram-series', attrs: { 'aria-label': 'series' } });
  private readonly meta = el('p', { className: 'figure-meta' });
  private readonly quantityCharts: HistogramChart[];
  private readonly weightGrid = el('div', { className: 'histogram-grid' });
  private weightCharts: HistogramChart[] = [];
  private result: RunResult | null = null;

  constructor(host: HTMLElement) {
    const quantityGrid = el('div', { className: 'histogram-grid' });
    this.quantityCharts = QUANTITIES.map((q) => {
      const cell = el('div');
      quantityGrid.append(cell);
      return new HistogramChart(`dist-${q.key}`, cell);
    });
    this.layer.addEventListener('input', () => this.render());
    this.series.addEventListener('change', () => this.render());
    const picker = el('div', { className: 'histogram-picker' }, [
      el('label', {}, ['layer ', this.layer, this.layerText]),
      el('label', {}, ['series ', this.series]),
    ]);
    host.replaceChildren(
      picker,
      quantityGrid,
      el('h3', { text: 'Weights of each series at this layer' }),
      this.weightGrid,
      this.meta,
    );
  }

  show(result: RunResult, substitution: string): void {
    this.result = result;
    const depth = result.config.depth;
    this.layer.max = String(depth);
    if (Number(this.layer.value) > depth) this.layer.value = String(depth);
    const chosen = this.series.selectedIndex;
    this.series.replaceChildren(
      ...result.series.map((s, i) => el('option', { text: s.label, attrs: { value: String(i) } })),
    );
    this.series.selectedIndex = chosen >= 0 && chosen < result.series.length ? chosen : 0;
    this.weightGrid.replaceChildren();
    this.weightCharts = result.series.map((_, i) => {
      const cell = el('div');
      this.weightGrid.append(cell);
      return new HistogramChart(`dist-weights-${i}`, cell, 150);
    });
    const input = result.config.input;
    const rows = 'values' in input ? 1 : input.batch;
    this.meta.textContent = `Trial 0, ${result.config.activation}, width ${result.config.width}, a batch of ${rows} ${'values' in input ? 'fixed' : input.distribution} input rows; ${HISTOGRAM_BINS} bins over each histogram's own range. ${result.engine.toUpperCase()} engine, ${result.timings.totalMs.toFixed(0)} ms.${substitution ? ` ${substitution}` : ''}`;
    this.meta.classList.toggle('substituted', substitution !== '');
    this.render();
    registerResult('distributions', resultJson(result));
  }

  /** Redraws in the current theme and layout. */
  restyle(): void {
    this.render();
  }

  render(): void {
    const result = this.result;
    if (!result) return;
    const layer = Number(this.layer.value);
    this.layerText.textContent = String(layer);
    const s = this.series.selectedIndex;
    const at = result.series[s].histograms?.[layer - 1];
    if (!at) return;
    QUANTITIES.forEach((q, k) => {
      const histogram: Histogram | undefined = at[q.key];
      if (histogram)
        this.quantityCharts[k].show(
          histogram,
          `${q.axis}, layer ${layer}, ${result.series[s].label}`,
          q.axis,
          colorOf(s),
        );
    });
    result.series.forEach((series, i) => {
      const weights = series.histograms?.[layer - 1]?.weights;
      if (weights) this.weightCharts[i].show(weights, series.label, `W, layer ${layer}`, colorOf(i));
    });
  }
}
