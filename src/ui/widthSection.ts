/**
 * The section "Width: what changes as networks grow": its parametrization table, its controls, the coordinate check
 * (computed once the section is in view, and again when its settings or the reader's seed, activation or engine
 * change) and the learning-rate transfer (longer: it waits for its button). One job at a time, with its own progress,
 * time left and Cancel; a job asked for while another runs waits for it. The sentences follow the measurements.
 */
import type { ExperimentConfig } from '../lab/config';
import { CancelledError, type Engine } from '../lab/engine';
import { lrCurves } from '../lab/lrTransfer';
import type { TrainResult } from '../lab/training';
import { trainResultCsv, trainResultJson } from '../lab/trainResults';
import { formatDuration } from '../lab/work';
import { CoordFigure, type CoordRun, MEASURE_WORDS } from './coordFigure';
import { byId, downloadText, el } from './dom';
import type { EngineSet } from './engines';
import { formatMs } from './format';
import { setLive } from './liveText';
import { renderParametrizationTable } from './parametrizationTable';
import { registerResult } from './testHooks';
import { TransferFigure } from './transferFigure';
import type { LabState } from './urlState';
import { WidthControls } from './widthControls';
import { initSentence, readoutSentence, referenceSentence, transferSentence, updateSentence } from './widthSentences';
import { coordConfig, readForm, transferConfig, type WidthSettings } from './widthSettings';
import { estimateTasks, runTasks, type TrainingTask } from './widthTasks';
import { type WidthUrlState, type WidthView, widthQuery } from './widthUrl';

/**
 * A coordinate check of more multiply–adds than this waits for its button instead of starting on its own. Counted in
 * work, not time: an engine's speed estimate early on can be off by orders of magnitude (measured on tiny networks).
 * The default check, 6.8e9, takes about a minute on the CPU worker of a 2-core machine; widths to 2048 are 2.7e10.
 */
export const AUTO_RUN_MACS = 1e10;

type JobName = 'coord' | 'transfer';
const coordRun = (r: TrainResult): CoordRun => ({ kind: r.config.parametrization.kind, series: r.series });
const JOB_WORDS: Record<JobName, string> = { coord: 'coordinate check', transfer: 'learning-rate transfer' };

export class WidthSection {
  private settings: WidthSettings;
  private view: WidthView;
  private reader: LabState | null = null;
  private seen = false;
  private readonly coordFigure = new CoordFigure(byId('width-coord-figure'));
  private readonly transferFigure = new TransferFigure(byId('width-transfer-figure'));
  private readonly controls: WidthControls;
  private readonly status = byId('width-status');
  private readonly progress = byId<HTMLProgressElement>('width-progress');
  private readonly cancel = byId<HTMLButtonElement>('width-cancel');
  private readonly results: Record<JobName, TrainResult[]> = { coord: [], transfer: [] };
  /** The request each job's results answer, to tell when they no longer match the settings. */
  private readonly keys: Record<JobName, string> = { coord: '', transfer: '' };
  private controller: AbortController | null = null;
  private running: JobName | null = null;
  private readonly queue: JobName[] = [];

  constructor(
    private readonly engines: EngineSet,
    url: WidthUrlState,
    private readonly onUrl: () => void,
  ) {
    this.settings = url.settings;
    this.view = url.view;
    renderParametrizationTable(byId('width-table'));
    this.controls = new WidthControls(
      byId('width-controls'),
      url.settings,
      url.view,
      (form) => {
        const read = this.reader && readForm(form, this.reader.config);
        if (!read) return;
        this.controls.showErrors(read.ok ? [] : read.errors);
        if (!read.ok) return;
        this.settings = read.settings;
        this.onUrl();
        this.settingsChanged();
      },
      (view) => {
        this.view = view;
        this.onUrl();
        const [first] = this.results.coord;
        if (first) this.drawCoord(this.results.coord.map(coordRun), first.config);
      },
    );
    byId('width-run-coord').addEventListener('click', () => this.request('coord'));
    byId('width-run-transfer').addEventListener('click', () => this.request('transfer'));
    this.cancel.addEventListener('click', () => {
      this.queue.length = 0;
      this.controller?.abort();
    });
    this.exportButtons('coord');
    this.exportButtons('transfer');
    new IntersectionObserver((entries, observer) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      this.seen = true;
      this.settingsChanged();
    }).observe(byId('width'));
  }

  /** The section's URL parameters that differ from the defaults. */
  query(): string {
    return widthQuery(this.settings, this.view);
  }

  /** The reader's experiment or engine changed: the configs follow its seed, activation and engine. */
  follow(state: LabState): void {
    this.reader = state;
    this.settingsChanged();
  }

  restyle(): void {
    this.coordFigure.restyle();
    this.transferFigure.restyle();
  }

  private engine(): Engine {
    const gpu = this.reader?.engine !== 'cpu' ? this.engines.gpu : null;
    return gpu ?? this.engines.cpu;
  }

  /**
   * The job's trainings, one per parametrization on the reader's engine; with engine "both", the coordinate check's
   * again on the CPU engine after them, the float64 reference the GPU's is judged against.
   */
  private tasks(job: JobName): TrainingTask[] {
    const drawn = this.engineTasks(job, this.engine());
    const both = job === 'coord' && this.reader?.engine === 'both' && this.engines.gpu !== null;
    return both ? [...drawn, ...this.engineTasks(job, this.engines.cpu)] : drawn;
  }

  private engineTasks(job: JobName, engine: Engine): TrainingTask[] {
    const reader = this.reader!.config;
    return this.settings.kinds.map((kind) => {
      if (job === 'transfer') {
        const config = transferConfig(this.settings, reader, kind);
        return { engine, config, advances: [config.train.steps] };
      }
      const config = coordConfig(this.settings, reader, kind);
      return { engine, config, advances: [0, ...new Array<number>(config.train.steps).fill(1)] };
    });
  }

  private key(job: JobName): string {
    return JSON.stringify(this.tasks(job).map((t) => [t.config, t.engine.name]));
  }

  /** Runs the coordinate check again when it no longer matches (if it is quick enough), and says what is stale. */
  private async settingsChanged(): Promise<void> {
    if (!this.seen || !this.reader) return;
    const transferStale = this.results.transfer.length > 0 && this.keys.transfer !== this.key('transfer');
    setLive(
      'width-transfer-stale',
      transferStale
        ? 'The settings changed since this was measured: press Run learning-rate transfer to measure again.'
        : '',
    );
    // Asked again while the estimate is awaited, the check is requested once.
    const needed = () =>
      this.keys.coord !== this.key('coord') && this.running !== 'coord' && !this.queue.includes('coord');
    if (!needed()) return;
    try {
      const { macs, seconds } = await estimateTasks(this.tasks('coord'));
      if (!needed()) return;
      if (macs <= AUTO_RUN_MACS) this.request('coord');
      else
        this.status.textContent = `The coordinate check needs ${macs.toExponential(1)} multiply–adds, about ${formatDuration(seconds)}: press Run coordinate check to start it.`;
    } catch (error) {
      this.status.textContent = `No estimate for the coordinate check: ${(error as Error).message}`;
    }
  }

  /** Starts a job, or queues it behind the one running; asking again for the running job starts it afresh. */
  private request(job: JobName): void {
    if (!this.reader) return;
    if (!this.queue.includes(job)) this.queue.push(job);
    if (this.running === job) this.controller?.abort();
    else if (!this.running) void this.pump();
  }

  private async pump(): Promise<void> {
    /** Jobs already tried again after an interruption: once each per pump. */
    const retried = new Set<JobName>();
    while (this.queue.length) {
      const job = this.queue.shift()!;
      this.running = job;
      const controller = new AbortController();
      this.controller = controller;
      this.cancel.disabled = false;
      this.progress.hidden = false;
      try {
        await this.execute(job, controller.signal);
      } catch (error) {
        // Cancelled without our Cancel: the page's own runner restarted the CPU worker under it. Try again.
        const interrupted = error instanceof CancelledError && !controller.signal.aborted;
        if (interrupted && !retried.has(job) && !this.queue.includes(job)) {
          retried.add(job);
          this.queue.push(job);
        }
        const cancelled = error instanceof CancelledError || controller.signal.aborted;
        this.status.textContent = cancelled
          ? `The ${JOB_WORDS[job]} was cancelled. Press its Run button to start again.`
          : `The ${JOB_WORDS[job]} failed: ${(error as Error).message}`;
      }
    }
    this.running = null;
    this.controller = null;
    this.cancel.disabled = true;
    this.progress.hidden = true;
  }

  private async execute(job: JobName, signal: AbortSignal): Promise<void> {
    const tasks = this.tasks(job);
    const key = this.key(job);
    // The drawn trainings come first; any after them are the CPU reference of engine "both".
    const drawnCount = this.settings.kinds.length;
    const started = performance.now();
    const partial: CoordRun[] = [];
    if (job === 'coord')
      tasks.slice(0, drawnCount).forEach((task, i) => {
        task.onSnapshot = (snapshot) => {
          partial[i] = { kind: task.config.parametrization.kind, series: snapshot.series };
          this.drawCoord(partial.filter(Boolean), task.config);
        };
      });
    const all = await runTasks(tasks, signal, ({ fraction, leftMs }) => {
      this.progress.value = fraction;
      const left = leftMs === null ? 'estimating time left…' : `about ${formatMs(leftMs)} left`;
      this.status.textContent = `Running the ${JOB_WORDS[job]}: ${(fraction * 100).toFixed(0)} %, ${left}`;
    });
    const results = all.slice(0, drawnCount);
    const references = all.slice(results.length);
    setLive(
      'width-coord-reference',
      job === 'coord' && references.length ? referenceSentence(results, references) : '',
    );
    this.results[job] = results;
    this.keys[job] = key;
    const engine = results[0]
      ? `${results[0].engine.toUpperCase()} engine${results[0].device ? ` (${results[0].device})` : ''}`
      : '';
    setLive(`width-${job}-meta`, `${engine}, ${formatMs(performance.now() - started)}.`);
    for (const result of results)
      registerResult(`width-${job}-${result.config.parametrization.kind}`, trainResultJson(result));
    if (job === 'coord') this.drawCoord(results.map(coordRun), tasks[0].config);
    else this.drawTransfer();
    this.status.textContent = `The ${JOB_WORDS[job]} is done.`;
    void this.settingsChanged();
  }

  /** `config`: any of the runs' configs; they differ only in the parametrization. */
  private drawCoord(runs: CoordRun[], config: ExperimentConfig): void {
    const { depth, train, parametrization } = config;
    const checks = this.coordFigure.show(runs, depth, this.view);
    const measure = MEASURE_WORDS[this.view.measure];
    setLive('width-init', initSentence(checks, depth, measure));
    setLive('width-update', updateSentence(checks, depth, train.steps, measure));
    setLive('width-readout', readoutSentence(checks, depth, parametrization.readoutZero));
  }

  private drawTransfer(): void {
    const steps = this.results.transfer[0]?.config.train.steps ?? 0;
    const runs = this.results.transfer.map((r) => ({
      kind: r.config.parametrization.kind,
      curves: lrCurves(r.series, r.config.train.steps),
    }));
    this.transferFigure.show(runs, steps);
    setLive('width-transfer', transferSentence(runs, steps));
  }

  private exportButtons(job: JobName): void {
    const results = () => this.results[job];
    const json = el('button', { text: 'JSON', testid: `export-json-width-${job}`, attrs: { type: 'button' } });
    const csv = el('button', { text: 'CSV', testid: `export-csv-width-${job}`, attrs: { type: 'button' } });
    json.addEventListener('click', () => {
      const text = JSON.stringify(results().map(trainResultJson), null, 2);
      if (results().length) downloadText(`initlab-width-${job}.json`, text, 'application/json');
    });
    csv.addEventListener('click', () => {
      const [first, ...rest] = results().map(trainResultCsv);
      const text = [first, ...rest.map((c) => c.slice(c.indexOf('\n') + 1))].join('');
      if (first) downloadText(`initlab-width-${job}.csv`, text, 'text/csv');
    });
    byId(`width-${job}-actions`).append(el('span', { text: 'Results: ' }), csv, json);
  }
}
