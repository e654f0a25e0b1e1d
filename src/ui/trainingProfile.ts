/**
 * How the variance profile changes while a network trains, for one series the reader picks: a layer × step heat map
 * of E[Z_l²] and one of E[(∂L/∂W_l)²], each layer's update-to-weight ratio ‖ΔW‖/‖W‖ over the steps, and the table of
 * the numbers at the start and now (the charts' text alternative).
 */
import type { TrainSnapshot } from '../lab/training';
import { el, tableRegion } from './dom';
import { LayerHeatmap } from './layerHeatmap';
import { updateRatioData } from './trainingCurves';
import { pngButton } from './trainingExports';
import { TrainingLineChart } from './trainingLineChart';
import { profileTable } from './trainingTable';

export class TrainingProfile {
  private readonly select = el('select', { testid: 'training-profile-series' });
  private readonly pre: LayerHeatmap;
  private readonly grad: LayerHeatmap;
  private readonly ratios: TrainingLineChart;
  private readonly table = tableRegion(
    'The variance profile of the chosen series: the numbers',
    [],
    'training-profile-numbers',
  );
  private snapshot: TrainSnapshot | null = null;
  private labels = '';

  constructor(host: HTMLElement) {
    const preHost = el('div', { className: 'figure-cell' }, [el('h4', { text: 'E[Z²] per layer (log₁₀)' })]);
    const gradHost = el('div', { className: 'figure-cell' }, [el('h4', { text: 'E[(∂L/∂W)²] per layer (log₁₀)' })]);
    this.pre = new LayerHeatmap('training-pre', preHost, {
      symbol: 'E[Z²]',
      value: (l) => l.pre.meanSq,
      flaggedBy: 'pre',
    });
    this.grad = new LayerHeatmap('training-grad', gradHost, {
      symbol: 'E[(∂L/∂W)²]',
      value: (l) => l.weightGrad.meanSq,
      flaggedBy: 'weightGrad',
    });
    preHost.append(pngButton('export-png-training-pre', 'initlab-training-pre.png', () => this.pre.png()));
    gradHost.append(pngButton('export-png-training-grad', 'initlab-training-grad.png', () => this.grad.png()));
    const ratioHost = el('div', { attrs: { 'aria-describedby': 'training-profile-numbers' } });
    this.ratios = new TrainingLineChart('training-update-ratio', ratioHost, 'Update to weight ratio ‖ΔW‖/‖W‖', {
      label: '‖ΔW‖/‖W‖, log scale',
      log: true,
    });
    const ratioCell = el('div', { className: 'figure-cell' }, [
      ratioHost,
      pngButton('export-png-training-update-ratio', 'initlab-training-update-ratio.png', () => this.ratios.png()),
    ]);
    this.select.addEventListener('change', () => this.draw());
    this.table.classList.add('lecture-hidden');
    host.replaceChildren(
      el('label', { className: 'profile-picker' }, ['Series ', this.select]),
      el('div', { className: 'figure-grid' }, [preHost, gradHost, ratioCell]),
      this.table,
    );
  }

  show(snapshot: TrainSnapshot): void {
    this.snapshot = snapshot;
    const labels = snapshot.series.map((s) => s.label);
    if (JSON.stringify(labels) !== this.labels) {
      const previous = this.select.selectedOptions[0]?.textContent;
      this.select.replaceChildren(...labels.map((l, i) => el('option', { text: l, attrs: { value: String(i) } })));
      // The reference (last) starts well: its profile is the one to compare the others with.
      const kept = labels.indexOf(previous ?? '');
      this.select.value = String(kept >= 0 ? kept : labels.length - 1);
      this.labels = JSON.stringify(labels);
    }
    this.draw();
  }

  restyle(): void {
    this.ratios.render();
    this.draw();
  }

  private draw(): void {
    if (!this.snapshot) return;
    const index = Number(this.select.value);
    const series = this.snapshot.series[index];
    if (!series?.history.length) return;
    this.pre.show(series);
    this.grad.show(series);
    this.ratios.show(updateRatioData(series, index));
    this.table.replaceChildren(profileTable(series));
  }
}
