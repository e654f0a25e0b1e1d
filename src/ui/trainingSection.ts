/**
 * The section "Training: does the start matter?": every series of the section's config (trainingConfig.ts) trained
 * live on the reader's engine — and beside it on the CPU reference with engine "both" — with its controls, play,
 * pause, step and reset, loss and accuracy curves, outcomes, decision regions, the variance profile while training,
 * the trained-symmetry panel, and the exports. Data flows one way: controls → the URL's config → this section's
 * config → the engines' sessions → the history → the figures.
 */
import type { ExperimentConfig } from '../lab/config';
import { type Dataset, makeDataset } from '../lab/datasets';
import { defaultObject } from '../lab/schema';
import { TRAIN_SCHEMA, type TrainConfig } from '../lab/trainConfig';
import type { TrainingSession } from '../lab/training';
import { trainResultJson } from '../lab/trainResults';
import { DecisionRegions } from './decisionRegions';
import { el, tableRegion } from './dom';
import type { EngineSet } from './engines';
import { formatMs } from './format';
import { setLive } from './liveText';
import { registerDrawing } from './testHooks';
import { TrainControls } from './trainControls';
import { drawTrainedSymmetry } from './trainedSymmetry';
import { drawTrainingComparison } from './trainingCompare';
import { trainedSymmetryConfig, trainingConfig, usesShowcase } from './trainingConfig';
import { accuracyData, lossData } from './trainingCurves';
import { pngButton, resultButtons, trainingResult } from './trainingExports';
import { TrainingLineChart } from './trainingLineChart';
import { type PlayerView, type TrainingEngine, TrainingPlayer } from './trainingPlayer';
import { TrainingProfile } from './trainingProfile';
import { outcomeRule, playerStatus, trainingSetting, trainingSummary } from './trainingSentences';
import { outcomeTables } from './trainingTable';
import type { LabState } from './urlState';

/** A control moved: wait for the burst of input events to end before building new networks. */
const RELOAD_DELAY_MS = 250;
/** Decision regions take at most about a quarter of the time while playing: redrawn when 3× their cost has passed. */
const REGIONS_SPACING = 3;

export class TrainingSection {
  private readonly player: TrainingPlayer;
  private readonly controls: TrainControls;
  private readonly playButton = el('button', { text: 'Play', testid: 'training-play', attrs: { type: 'button' } });
  private readonly stepButton = el('button', { text: 'Step', testid: 'training-step', attrs: { type: 'button' } });
  private readonly resetButton = el('button', { text: 'Reset', testid: 'training-reset', attrs: { type: 'button' } });
  private readonly ownSettings = el('button', {
    text: "Section's own settings",
    testid: 'training-own-settings',
    attrs: { type: 'button', title: "Back to the section's training settings (the config's train defaults)" },
  });
  private readonly status = el('p', {
    className: 'figure-meta',
    testid: 'training-status',
    attrs: { 'aria-live': 'polite' },
  });
  private readonly progress = el('progress', {
    testid: 'training-progress',
    attrs: { max: '1', 'aria-label': 'Training progress' },
  });
  private readonly compare = el('div', { className: 'compare', testid: 'training-compare' });
  private readonly loss: TrainingLineChart;
  private readonly accuracy: TrainingLineChart;
  private readonly accuracyNote = el('p', { className: 'figure-meta' });
  private readonly outcomes = tableRegion('Outcome of every series', [], 'training-outcome-numbers');
  private readonly regionsHost = el('div', { testid: 'training-regions' });
  private readonly profile: TrainingProfile;
  private readonly symmetryHost = el('div', { className: 'symmetry', testid: 'trained-symmetry' });
  private readonly meta = el('p', { className: 'figure-meta', testid: 'training-meta' });
  private panel: ExperimentConfig | null = null;
  private config: ExperimentConfig | null = null;
  private engines: TrainingEngine[] = [];
  private dataset: Dataset | null = null;
  private regions: DecisionRegions | null = null;
  private key = '';
  private loaded = '';
  private seen = false;
  private reload: number | undefined;
  /** What the figures show: redrawn when the history grows or the phase changes (the hooks carry the phase). */
  private drawn: Pick<PlayerView, 'snapshot' | 'phase'> | null = null;
  private regionsMs = 0;
  private regionsDoneAt = 0;

  constructor(
    host: HTMLElement,
    private readonly available: EngineSet,
    /** A training control changed the reader's settings; the page puts them into the URL and calls `follow`. */
    onTrain: (train: TrainConfig) => void,
  ) {
    this.player = new TrainingPlayer(
      (view) => this.showView(view),
      (sessions, view, last) => this.drawNetworks(sessions, view, last),
    );
    const controlsHost = el('div', { className: 'train-settings' });
    this.controls = new TrainControls(controlsHost, onTrain);
    // The config's defaults are what make the section use its own settings (trainingConfig.ts).
    this.ownSettings.addEventListener('click', () => onTrain(defaultObject(TRAIN_SCHEMA) as unknown as TrainConfig));
    controlsHost.append(this.ownSettings);
    this.playButton.addEventListener('click', () => void this.togglePlay());
    this.stepButton.addEventListener('click', () => void this.stepOnce());
    this.resetButton.addEventListener('click', () => void this.load());
    const paired = { className: 'paired-legend', attrs: { 'aria-describedby': 'training-outcome-numbers' } };
    const lossHost = el('div', paired);
    const accuracyHost = el('div', paired);
    this.loss = new TrainingLineChart('training-loss', lossHost, 'Train (solid) and test (dashed) loss', {
      label: 'loss, log scale',
      log: true,
    });
    this.accuracy = new TrainingLineChart(
      'training-accuracy',
      accuracyHost,
      'Train (solid) and test (dashed) accuracy',
      {
        label: 'accuracy',
        log: false,
        percent: true,
      },
    );
    const profileHost = el('div');
    this.profile = new TrainingProfile(profileHost);
    host.replaceChildren(
      controlsHost,
      el('div', { className: 'player-bar' }, [
        this.playButton,
        this.stepButton,
        this.resetButton,
        this.progress,
        this.status,
      ]),
      this.compare,
      el('div', { className: 'figure-grid' }, [
        el('div', { className: 'figure-cell' }, [
          lossHost,
          pngButton('export-png-training-loss', 'initlab-training-loss.png', () => this.loss.png()),
        ]),
        el('div', { className: 'figure-cell' }, [
          accuracyHost,
          this.accuracyNote,
          pngButton('export-png-training-accuracy', 'initlab-training-accuracy.png', () => this.accuracy.png()),
        ]),
      ]),
      this.outcomes,
      el('h3', { text: 'Decision regions' }),
      this.regionsHost,
      pngButton('export-png-training-regions', 'initlab-training-regions.png', () => this.regions?.png()),
      el('h3', { text: 'The variance profile while training' }),
      profileHost,
      el('h3', { text: 'Symmetry, trained' }),
      this.symmetryHost,
      el('div', { className: 'figure-actions' }, [
        this.meta,
        el('span', { text: 'Results: ' }),
        ...resultButtons(() =>
          this.config && this.player.current.snapshot
            ? { config: this.config, engine: this.engines[0], view: this.player.current }
            : null,
        ),
      ]),
    );
    this.showView(this.player.current);
    new IntersectionObserver((entries) => {
      if (this.seen || !entries.some((e) => e.isIntersecting)) return;
      this.seen = true;
      void this.load();
    }).observe(host.closest('section') ?? host);
  }

  /** The reader's state changed: new networks when what this section trains changed. */
  follow(state: LabState): void {
    this.panel = state.config;
    const config = trainingConfig(state.config);
    const engines = this.enginesFor(state.engine);
    this.controls.show(config.train);
    this.ownSettings.disabled = usesShowcase(state.config.train);
    setLive('training-setting', trainingSetting(config, state.config));
    setLive('training-rule', outcomeRule(config.train.targetLoss));
    const key = JSON.stringify([config, engines.map((e) => e.name)]);
    if (key === this.key) return;
    this.key = key;
    this.config = config;
    this.engines = engines;
    this.player.dispose();
    clearTimeout(this.reload);
    if (this.seen) this.reload = window.setTimeout(() => void this.load(), RELOAD_DELAY_MS);
  }

  restyle(): void {
    this.loss.render();
    this.accuracy.render();
    this.profile.restyle();
  }

  private enginesFor(choice: LabState['engine']): TrainingEngine[] {
    const { cpu, gpu } = this.available;
    if (choice === 'cpu' || !gpu) return [cpu];
    return choice === 'both' ? [gpu, cpu] : [gpu];
  }

  /** New sessions of the current config, the entry at step 0, then the trained-symmetry panel. */
  private async load(): Promise<void> {
    const config = this.config;
    if (!config || !this.panel) return;
    clearTimeout(this.reload);
    this.loaded = this.key;
    this.drawn = null;
    this.dataset = makeDataset(config.train.dataset, config.seed);
    this.regions = this.dataset.dim === 2 ? new DecisionRegions(this.regionsHost, this.dataset) : null;
    if (!this.regions)
      this.regionsHost.replaceChildren(
        el('p', {
          className: 'figure-meta',
          text: `The data has ${this.dataset.dim} input dimensions: decision regions are drawn for the plane's datasets (spirals, circles, xor, blobs).`,
        }),
      );
    this.regionsDoneAt = 0;
    await this.player.load(config, this.engines);
    if (this.loaded === this.key) await this.trainSymmetry(this.key);
  }

  private async togglePlay(): Promise<void> {
    if (this.player.busy) return this.player.pause();
    if (this.loaded !== this.key || this.player.current.phase === 'idle') await this.load();
    await this.player.play();
  }

  private async stepOnce(): Promise<void> {
    if (this.loaded !== this.key || this.player.current.phase === 'idle') await this.load();
    await this.player.step();
  }

  private async trainSymmetry(key: string): Promise<void> {
    const config = trainedSymmetryConfig(this.panel!);
    const engine = this.engines[0];
    this.symmetryHost.replaceChildren(el('p', { className: 'figure-meta', text: 'Training the two small networks…' }));
    let session: TrainingSession | null = null;
    try {
      session = await engine.train(config);
      const snapshot = await session.advance(config.train.steps);
      if (key !== this.key) return;
      await drawTrainedSymmetry(
        this.symmetryHost,
        session,
        snapshot,
        makeDataset(config.train.dataset, config.seed),
        config.depth,
      );
    } catch (error) {
      if (key === this.key)
        this.symmetryHost.replaceChildren(
          el('p', { className: 'figure-meta', text: `Training failed: ${(error as Error).message}` }),
        );
    } finally {
      session?.dispose();
    }
  }

  /** Status, progress and buttons at every change; the figures when the history has grown. */
  private showView(view: PlayerView): void {
    const steps = this.config?.train.steps ?? 0;
    const running = view.phase === 'running';
    this.playButton.textContent = running && this.player.busy ? 'Pause' : 'Play';
    this.playButton.disabled = view.phase === 'finished' || view.phase === 'preparing';
    this.stepButton.textContent = `Step +${this.config?.train.evalEvery ?? ''}`;
    this.stepButton.disabled = running || view.phase === 'finished' || view.phase === 'preparing';
    this.resetButton.disabled = view.phase === 'preparing' || view.phase === 'idle';
    this.progress.value = view.fraction;
    this.status.textContent = playerStatus(view, steps, this.engines);
    if (view.snapshot && (view.snapshot !== this.drawn?.snapshot || view.phase !== this.drawn?.phase))
      this.drawHistory(view);
  }

  private drawHistory(view: PlayerView): void {
    const snapshot = view.snapshot!;
    const config = this.config!;
    this.drawn = { snapshot, phase: view.phase };
    this.loss.show(lossData(snapshot));
    const accuracy = accuracyData(snapshot);
    if (accuracy) this.accuracy.show(accuracy);
    this.accuracyNote.textContent = accuracy ? '' : 'Regression: no accuracy, the loss is the whole story.';
    this.outcomes.replaceChildren(...outcomeTables(snapshot));
    this.profile.show(snapshot);
    setLive('training-summary', trainingSummary(snapshot, config));
    if (view.reference) drawTrainingComparison(this.compare, config, snapshot, view.reference);
    else this.compare.replaceChildren();
    const main = this.engines[0];
    const device = main.device ? ` (${main.device})` : '';
    this.meta.textContent = `${main.name.toUpperCase()} engine${device}, ${formatMs(view.trainingMs)} of training.`;
    registerDrawing('training', { phase: view.phase, ...trainResultJson(trainingResult(config, main, view)) });
  }

  /** Decision regions at evaluations, fewer while playing fast (REGIONS_SPACING). */
  private async drawNetworks(sessions: TrainingSession[], view: PlayerView, last: boolean): Promise<void> {
    if (!this.regions || !view.snapshot) return;
    const now = performance.now();
    if (!last && now - this.regionsDoneAt < REGIONS_SPACING * this.regionsMs) return;
    await this.regions.draw(sessions[0], view.snapshot);
    this.regionsDoneAt = performance.now();
    this.regionsMs = this.regionsDoneAt - now;
  }
}
