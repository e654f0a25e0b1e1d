/**
 * The section "Which bad starts normalization rescues": the grid of rescueConfigs.ts trained network after network on
 * the reader's engine, with Play, progress, time left and Cancel; a loss chart per start (a line per network), the
 * outcome table and the sentences computed from the outcomes. A network the reader's engine refuses to train trains on
 * the CPU engine, and a line says so. Nothing runs until Play is pressed: the grid takes about half a minute of the CPU
 * worker every other section shares.
 */
import type { ExperimentConfig } from '../lab/config';
import { CancelledError, type Engine } from '../lab/engine';
import { initLabel } from '../lab/initializers';
import type { TrainResult, TrainSnapshot } from '../lab/training';
import { trainResultCsv, trainResultJson } from '../lab/trainResults';
import { trainWork } from '../lab/trainWork';
import { formatDuration } from '../lab/work';
import { downloadText, el, tableRegion } from './dom';
import type { EngineSet } from './engines';
import { formatMs } from './format';
import { setLive } from './liveText';
import { RESCUE_NETWORKS, RESCUE_SHAPE, RESCUE_STARTS, rescueConfig } from './rescueConfigs';
import { startCurves } from './rescueCurves';
import { type RescueRuns, refusalLine, rescueSummary } from './rescueSentences';
import { rescueTables } from './rescueTable';
import { registerDrawing } from './testHooks';
import { pngButton } from './trainingExports';
import { TrainingLineChart } from './trainingLineChart';
import { trainText } from './trainingSentences';
import type { LabState } from './urlState';
import { estimateTasks, runTasks, type TrainingTask } from './widthTasks';

type Phase = 'idle' | 'running' | 'finished' | 'cancelled' | 'failed';

export class RescueSection {
  private readonly playButton = el('button', { text: 'Play', testid: 'rescue-play', attrs: { type: 'button' } });
  private readonly cancelButton = el('button', { text: 'Cancel', testid: 'rescue-cancel', attrs: { type: 'button' } });
  private readonly progress = el('progress', {
    testid: 'rescue-progress',
    attrs: { max: '1', 'aria-label': 'Rescue grid training progress' },
  });
  private readonly status = el('p', {
    className: 'figure-meta',
    testid: 'rescue-status',
    attrs: { 'aria-live': 'polite' },
  });
  private readonly refusal = el('p', { className: 'figure-meta', testid: 'rescue-engine' });
  private readonly outcomes = tableRegion('Outcome of every start in every network', [], 'rescue-outcome-numbers');
  private readonly charts: TrainingLineChart[];
  private configs: ExperimentConfig[] = [];
  private engine: Engine;
  private runs: RescueRuns = [];
  private results: TrainResult[] = [];
  private refusals: { network: string; reason: string }[] = [];
  private controller: AbortController | null = null;
  private phase: Phase = 'idle';
  private key = '';

  constructor(
    hosts: { outcomes: HTMLElement; curves: HTMLElement },
    private readonly available: EngineSet,
  ) {
    this.engine = available.cpu;
    const cells = RESCUE_STARTS.map(() =>
      el('div', { className: 'paired-legend', attrs: { 'aria-describedby': 'rescue-outcome-numbers' } }),
    );
    this.charts = RESCUE_STARTS.map(
      (start, s) =>
        new TrainingLineChart(
          `rescue-loss-${start.id}`,
          cells[s],
          `${initLabel(start.init)}: train (solid) and test (dashed) loss`,
          {
            label: 'loss, log scale',
            log: true,
          },
        ),
    );
    this.playButton.addEventListener('click', () => void this.play());
    this.cancelButton.addEventListener('click', () => this.controller?.abort());
    const json = el('button', { text: 'JSON', testid: 'export-json-rescue', attrs: { type: 'button' } });
    json.addEventListener('click', () => this.exportJson());
    const csv = el('button', { text: 'CSV', testid: 'export-csv-rescue', attrs: { type: 'button' } });
    csv.addEventListener('click', () => this.exportCsv());
    // The key figure is the answer, the grid of outcomes (on a slide, beside the prose); the curves, how each run got
    // there, follow the sentences.
    hosts.outcomes.replaceChildren(
      el('div', { className: 'player-bar' }, [this.playButton, this.cancelButton, this.progress, this.status]),
      this.refusal,
      this.outcomes,
    );
    hosts.curves.replaceChildren(
      el(
        'div',
        { className: 'figure-grid' },
        RESCUE_STARTS.map((start, s) =>
          el('div', { className: 'figure-cell' }, [
            cells[s],
            pngButton(`export-png-rescue-${start.id}`, `initlab-rescue-${start.id}.png`, () => this.charts[s].png()),
          ]),
        ),
      ),
      el('div', { className: 'figure-actions' }, [el('span', { text: 'Results: ' }), csv, json]),
    );
    this.show('idle');
  }

  /** The reader's seed or engine changed: the grid is trained anew on Play. */
  follow(state: LabState): void {
    const { cpu, gpu } = this.available;
    const engine = state.engine !== 'cpu' && gpu ? gpu : cpu;
    this.configs = RESCUE_NETWORKS.map((network) => rescueConfig(state.config, network));
    const config = this.configs[0];
    setLive(
      'rescue-setting',
      `Each network has ${config.depth} layers (blocks) of ${config.width} ReLU units and is trained ${trainText(config)}.`,
    );
    const key = JSON.stringify([config.seed, engine.name]);
    if (key === this.key) return;
    this.key = key;
    this.engine = engine;
    this.controller?.abort();
    this.clear();
    void this.announce(key);
  }

  /** Before Play: how much work the grid is and, once the engine has estimated it, about how long it takes. */
  private async announce(key: string): Promise<void> {
    const invite = (cost: string) =>
      `Press Play to train ${RESCUE_STARTS.length * RESCUE_NETWORKS.length} networks (${cost}) on the ${this.engine.name.toUpperCase()} engine.`;
    const work = this.configs.reduce((sum, c) => sum + trainWork(c), 0);
    this.status.textContent = invite(`${work.toExponential(1)} multiply–adds`);
    try {
      const { seconds } = await estimateTasks(this.tasks(key));
      if (key === this.key && this.phase === 'idle')
        this.status.textContent = invite(`${work.toExponential(1)} multiply–adds, about ${formatDuration(seconds)}`);
    } catch {
      // Without an estimate the work alone stands; Play reports what goes wrong.
    }
  }

  restyle(): void {
    for (const chart of this.charts) chart.render();
  }

  private clear(): void {
    this.runs = [];
    this.results = [];
    this.refusals = [];
    this.progress.value = 0;
    this.show('idle');
    this.draw();
  }

  /** The grid's trainings; what arrives after the reader's seed or engine changed (`key`) is dropped. */
  private tasks(key: string): TrainingTask[] {
    const fallback = this.engine === this.available.cpu ? undefined : this.available.cpu;
    return this.configs.map((config, n) => ({
      engine: this.engine,
      fallback,
      config,
      // The entry at step 0, then one evaluation interval at a time, so that the curves grow as they train.
      advances: [
        0,
        ...Array.from({ length: config.train.steps / config.train.evalEvery }, () => config.train.evalEvery),
      ],
      onRefusal: (reason) => {
        if (key === this.key) this.refusals.push({ network: RESCUE_NETWORKS[n].label, reason });
      },
      onSnapshot: (snapshot: TrainSnapshot) => {
        if (key !== this.key) return;
        this.runs[n] = snapshot;
        this.draw();
      },
    }));
  }

  private async play(): Promise<void> {
    if (this.phase === 'running') return;
    const key = this.key;
    this.clear();
    const controller = new AbortController();
    this.controller = controller;
    this.show('running');
    const started = performance.now();
    try {
      this.results = await runTasks(this.tasks(key), controller.signal, ({ fraction, leftMs }) => {
        if (key !== this.key) return;
        this.progress.value = fraction;
        const left = leftMs === null ? 'estimating time left…' : `about ${formatMs(leftMs)} left`;
        const n = Math.min(this.runs.filter((r) => r?.finished).length, RESCUE_NETWORKS.length - 1);
        this.status.textContent = `Training ${RESCUE_NETWORKS[n].label} (network ${n + 1} of ${RESCUE_NETWORKS.length}): ${(fraction * 100).toFixed(0)} %, ${left}`;
      });
      if (key !== this.key) return;
      this.show('finished', `Done: every start in every network in ${formatMs(performance.now() - started)}.`);
    } catch (error) {
      if (key !== this.key) return;
      if (error instanceof CancelledError) this.show('cancelled', 'Cancelled. Press Play to train the grid again.');
      else this.show('failed', `Training failed: ${(error as Error).message}`);
    } finally {
      if (this.controller === controller) this.controller = null;
    }
    this.draw();
  }

  private show(phase: Phase, text?: string): void {
    this.phase = phase;
    this.playButton.disabled = phase === 'running';
    this.cancelButton.disabled = phase !== 'running';
    if (text) this.status.textContent = text;
    else if (phase === 'running') this.status.textContent = 'Preparing the networks…';
  }

  /** The charts, the table, the sentences and the state the tests read, from the runs so far. */
  private draw(): void {
    RESCUE_STARTS.forEach((_, s) => {
      this.charts[s].show(startCurves(this.runs, s));
    });
    this.outcomes.replaceChildren(...rescueTables(this.runs));
    setLive('rescue-summary', rescueSummary(this.runs, RESCUE_SHAPE.depth));
    this.refusal.textContent = refusalLine(this.refusals, this.available.cpu.name);
    const engineOf = (label: string) =>
      this.refusals.some((r) => r.network === label) ? this.available.cpu.name : this.engine.name;
    registerDrawing('rescue', {
      phase: this.phase,
      refusals: this.refusals,
      networks: RESCUE_NETWORKS.map((network, n) => ({
        id: network.id,
        engine: engineOf(network.label),
        snapshot: this.runs[n] ?? null,
      })),
    });
  }

  private exportJson(): void {
    if (!this.results.length) return;
    const networks = this.results.map((r, n) => ({ network: RESCUE_NETWORKS[n].label, ...trainResultJson(r) }));
    downloadText('initlab-rescue.json', JSON.stringify({ networks }, null, 2), 'application/json');
  }

  /** The training section's CSV of each network, a `network` column first. */
  private exportCsv(): void {
    if (!this.results.length) return;
    const lines = this.results.flatMap((r, n) => {
      const [head, ...rows] = trainResultCsv(r).trimEnd().split('\n');
      return [...(n === 0 ? [`network,${head}`] : []), ...rows.map((row) => `${RESCUE_NETWORKS[n].id},${row}`)];
    });
    downloadText('initlab-rescue.csv', `${lines.join('\n')}\n`, 'text/csv');
  }
}
