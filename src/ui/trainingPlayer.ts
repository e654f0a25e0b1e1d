/**
 * Play, pause, step and reset for the training section: the sessions of one config (on the reader's engine, and on
 * the CPU reference beside it when comparing), advanced one evaluation interval at a time so that the page stays
 * responsive and the charts follow the history as it arrives. Pause aborts the advance in flight through its signal;
 * the sessions then stand after a whole update and the next play goes on from there. No DOM: the section draws what
 * `onView` hands it, and `afterSlice` (awaited between advances) is where it reads the networks for its drawings.
 */
import type { ExperimentConfig } from '../lab/config';
import { CancelledError, type Progress } from '../lab/engine';
import type { Trainer, TrainingSession, TrainSnapshot } from '../lab/training';

export type TrainingEngine = Trainer & { readonly name: 'cpu' | 'gpu'; readonly device?: string };

export interface PlayerView {
  phase: 'idle' | 'preparing' | 'ready' | 'running' | 'finished' | 'failed';
  /** The reader's engine's history; null before its session has the entry at step 0. */
  snapshot: TrainSnapshot | null;
  /** The CPU reference's, when comparing. */
  reference: TrainSnapshot | null;
  /** Updates per second of every series together, over the last advances; null before the first. */
  stepsPerSecond: number | null;
  /** Of the whole training, counting the advance in flight. */
  fraction: number;
  leftMs: number | null;
  /** Time spent training so far (not paused). */
  trainingMs: number;
  /** What went wrong, in the engine's words (which never carry the browser's own text). */
  error: string | null;
}

/** Weight of the newest advance in the steps-per-second average: live, without jumping at every slice. */
const SPEED_SMOOTHING = 0.4;

const IDLE: PlayerView = {
  phase: 'idle',
  snapshot: null,
  reference: null,
  stepsPerSecond: null,
  fraction: 0,
  leftMs: null,
  trainingMs: 0,
  error: null,
};

export class TrainingPlayer {
  private view: PlayerView = IDLE;
  private sessions: TrainingSession[] = [];
  private config: ExperimentConfig | null = null;
  private controller: AbortController | null = null;
  private mode: 'play' | 'step' | null = null;
  /** Bumped whenever the sessions are replaced: answers for older sessions are dropped. */
  private generation = 0;

  constructor(
    private readonly onView: (view: PlayerView) => void,
    /** `last`: no advance follows right away (paused, stepped, finished or just loaded). */
    private readonly afterSlice: (
      sessions: TrainingSession[],
      view: PlayerView,
      last: boolean,
    ) => Promise<void> = async () => {},
  ) {}

  get current(): PlayerView {
    return this.view;
  }

  get busy(): boolean {
    return this.mode !== null;
  }

  /** Replaces the sessions by new ones of `config` on `engines` (the reader's first) and takes the entry at step 0. */
  async load(config: ExperimentConfig, engines: TrainingEngine[]): Promise<void> {
    const generation = this.clear();
    this.config = config;
    this.set({ ...IDLE, phase: 'preparing' });
    const opened: TrainingSession[] = [];
    try {
      for (const engine of engines) opened.push(await engine.train(config));
      if (generation !== this.generation) throw new CancelledError();
      this.sessions = opened;
      const snapshots = await Promise.all(opened.map((s) => s.advance(0)));
      if (generation !== this.generation) return;
      this.set({ snapshot: snapshots[0], reference: snapshots[1] ?? null });
      this.set({ phase: this.finished() ? 'finished' : 'ready' });
      await this.afterSlice(this.sessions, this.view, true);
    } catch (error) {
      if (generation !== this.generation) {
        for (const s of opened) s.dispose();
        return;
      }
      this.set({ phase: 'failed', error: (error as Error).message });
    }
  }

  play(): Promise<void> {
    return this.run('play');
  }

  step(): Promise<void> {
    return this.run('step');
  }

  /** Stops after the update in progress; the sessions keep everything done so far. */
  pause(): void {
    this.mode = null;
    this.controller?.abort();
  }

  /** Ends the sessions and forgets them. */
  dispose(): void {
    this.clear();
    this.set(IDLE);
  }

  private clear(): number {
    this.pause();
    for (const s of this.sessions) s.dispose();
    this.sessions = [];
    return ++this.generation;
  }

  private set(change: Partial<PlayerView>): void {
    this.view = { ...this.view, ...change };
    this.onView(this.view);
  }

  /** Advances evaluation interval by evaluation interval until paused, finished, or after one interval (`step`). */
  private async run(mode: 'play' | 'step'): Promise<void> {
    const config = this.config;
    if (!config || this.mode !== null || !this.sessions.length || this.view.phase === 'finished') return;
    const generation = this.generation;
    this.mode = mode;
    this.set({ phase: 'running' });
    try {
      do {
        await this.slice(config, generation);
        if (generation !== this.generation) return;
        await this.afterSlice(this.sessions, this.view, this.mode !== 'play' || this.finished());
      } while (this.mode === 'play' && generation === this.generation && !this.finished());
      this.mode = null;
    } catch (error) {
      this.mode = null;
      if (generation !== this.generation) return;
      try {
        if (!(error instanceof CancelledError)) throw error;
        await this.resynchronize(generation);
      } catch (failure) {
        if (generation === this.generation) this.set({ phase: 'failed', error: (failure as Error).message });
        return;
      }
    }
    if (generation !== this.generation) return;
    this.controller = null;
    this.set({ phase: this.finished() ? 'finished' : 'ready', leftMs: null });
  }

  /** Every session to the next evaluation step (or the last), with progress and the live speed. */
  private async slice(config: ExperimentConfig, generation: number): Promise<void> {
    const { steps, evalEvery } = config.train;
    const from = this.view.snapshot!.step;
    const target = Math.min(steps, (Math.floor(from / evalEvery) + 1) * evalEvery);
    const controller = new AbortController();
    this.controller = controller;
    const started = performance.now();
    const fractions = this.sessions.map(() => 0);
    const progressOf = (i: number) => (p: Progress) => {
      if (generation !== this.generation) return;
      fractions[i] = p.total > 0 ? p.done / p.total : 1;
      // The slowest engine decides when the slice is done.
      const inSlice = Math.min(...fractions);
      const elapsed = performance.now() - started;
      const rate = this.view.stepsPerSecond;
      const done = from + inSlice * (target - from);
      const left =
        rate !== null ? ((steps - done) / rate) * 1000 : inSlice > 0.05 ? (elapsed / inSlice) * (1 - inSlice) : null;
      this.set({ fraction: steps ? done / steps : 1, leftMs: left });
    };
    const snapshots = await Promise.all(
      this.sessions.map((s, i) =>
        s.advance(Math.max(0, target - s.snapshot().step), { signal: controller.signal, onProgress: progressOf(i) }),
      ),
    );
    if (generation !== this.generation) return;
    const seconds = (performance.now() - started) / 1000;
    const trained = snapshots[0].step - from;
    const measured = trained > 0 && seconds > 0 ? trained / seconds : null;
    const previous = this.view.stepsPerSecond;
    const stepsPerSecond =
      measured === null ? previous : previous === null ? measured : previous + SPEED_SMOOTHING * (measured - previous);
    this.set({
      snapshot: snapshots[0],
      reference: snapshots[1] ?? null,
      stepsPerSecond,
      fraction: steps ? snapshots[0].step / steps : 1,
      leftMs: stepsPerSecond ? ((steps - snapshots[0].step) / stepsPerSecond) * 1000 : null,
      trainingMs: this.view.trainingMs + seconds * 1000,
    });
    if (this.finished()) this.set({ phase: 'finished' });
  }

  private finished(): boolean {
    const { snapshot, reference } = this.view;
    return snapshot?.finished === true && (reference?.finished ?? true);
  }

  /**
   * After a pause: a session elsewhere (the CPU worker) may have recorded entries its caller has not been sent;
   * advance(0) brings them, so that every session's snapshot says where it stands.
   */
  private async resynchronize(generation: number): Promise<void> {
    const snapshots = await Promise.all(this.sessions.map((s) => s.advance(0)));
    if (generation !== this.generation) return;
    this.set({ snapshot: snapshots[0], reference: snapshots[1] ?? null });
    await this.afterSlice(this.sessions, this.view, true);
  }
}
