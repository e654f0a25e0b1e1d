/**
 * Training sessions over the engine protocol (engineProtocol.ts): the page's CPU worker and the terminal's headless
 * GPU host serve an engine's sessions, and the caller holds a RemoteTrainingSession, a TrainingSession like any other.
 *
 * A session lives on the engine's side under a number; `train` opens it, `advance` (with progress, cancelled by the
 * protocol's `cancel` of its request), `forward` and `parameters` use it, `close` ends it. An answer to `advance`
 * carries only the history entries the caller has not seen yet, so a long history crosses once, not at every step;
 * after a cancelled advance the caller's snapshot is the last one sent, and the next advance brings what the engine
 * recorded before the cancel took effect.
 * Typed arrays travel as number arrays.
 */
import type { ExperimentConfig } from './config';
import type { Progress } from './engine';
import type {
  ForwardValues,
  Parameters,
  Trainer,
  TrainHistoryEntry,
  TrainingSession,
  TrainSeries,
  TrainSnapshot,
} from './training';

/** A snapshot as it crosses: per series, the entries from index `from` of its history on. */
export interface WireSnapshot {
  step: number;
  finished: boolean;
  series: (Omit<TrainSeries, 'history'> & {
    /** The caller holds the entries before `from`; `entries` are the ones after. */
    from: number;
    entries: TrainHistoryEntry[];
  })[];
}

export type TrainToEngine =
  | { type: 'train'; id: number; config: ExperimentConfig }
  | { type: 'advance'; id: number; session: number; steps: number }
  | { type: 'forward'; id: number; session: number; series: number; points: number[]; withLayers: boolean }
  | { type: 'parameters'; id: number; session: number; series: number }
  | { type: 'close'; session: number };

/** Progress of a request in flight (a run or an advance). */
export type ProgressMessage = { type: 'progress'; id: number; progress: Progress };

export type TrainFromEngine =
  | { type: 'session'; id: number; session: number; snapshot: WireSnapshot }
  | { type: 'advanced'; id: number; snapshot: WireSnapshot }
  | { type: 'forwarded'; id: number; values: { outputs: number[]; pre: number[][] } }
  | { type: 'parameters'; id: number; parameters: { weights: number[][]; biases: number[][] } };

/** How a RemoteTrainingSession reaches the engine: requests answered by id (cancellable), and plain notices. */
export interface TrainChannel {
  call<T>(
    build: (id: number) => TrainToEngine,
    options?: { signal?: AbortSignal; onProgress?: (p: Progress) => void },
  ): Promise<T>;
  notify(message: TrainToEngine): void;
}

/** The caller's side of one session: it keeps the history it has been sent, so `snapshot` needs no message. */
export class RemoteTrainingSession implements TrainingSession {
  private readonly current: TrainSnapshot = { step: 0, finished: false, series: [] };

  constructor(
    private readonly channel: TrainChannel,
    private readonly session: number,
    initial: WireSnapshot,
  ) {
    this.merge(initial);
  }

  snapshot(): TrainSnapshot {
    return { ...this.current, series: this.current.series.map((s) => ({ ...s, history: [...s.history] })) };
  }

  async advance(
    steps: number,
    options: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
  ): Promise<TrainSnapshot> {
    const wire = await this.channel.call<WireSnapshot>(
      (id) => ({ type: 'advance', id, session: this.session, steps }),
      options,
    );
    this.merge(wire);
    return this.snapshot();
  }

  async forward(series: number, points: Float64Array, withLayers: boolean): Promise<ForwardValues> {
    const values = await this.channel.call<{ outputs: number[]; pre: number[][] }>((id) => ({
      type: 'forward',
      id,
      session: this.session,
      series,
      points: Array.from(points),
      withLayers,
    }));
    return { outputs: Float64Array.from(values.outputs), pre: values.pre.map((z) => Float64Array.from(z)) };
  }

  async parameters(series: number): Promise<Parameters> {
    const p = await this.channel.call<{ weights: number[][]; biases: number[][] }>((id) => ({
      type: 'parameters',
      id,
      session: this.session,
      series,
    }));
    return { weights: p.weights.map((w) => Float64Array.from(w)), biases: p.biases.map((b) => Float64Array.from(b)) };
  }

  dispose(): void {
    this.channel.notify({ type: 'close', session: this.session });
  }

  private merge(wire: WireSnapshot): void {
    this.current.step = wire.step;
    this.current.finished = wire.finished;
    this.current.series = wire.series.map(({ from, entries, ...series }, i) => ({
      ...series,
      history: [...(this.current.series[i]?.history.slice(0, from) ?? []), ...entries],
    }));
  }
}

interface Served {
  session: TrainingSession;
  /** Per series, the history entries the caller has been sent. */
  sent: number[];
  /** The session's advances in flight, aborted when it closes. */
  advances: Set<AbortController>;
}

/**
 * The engine's side: answers training messages through `post`. `engine` makes (or finds) the engine; `running` is
 * the protocol's table of cancellable requests, which a `cancel` message aborts.
 */
export function serveTraining(
  engine: () => Promise<Trainer>,
  post: (message: TrainFromEngine | ProgressMessage) => void,
  running: Map<number, AbortController>,
) {
  const sessions = new Map<number, Served>();
  let nextSession = 1;
  const served = (session: number): Served => {
    const found = sessions.get(session);
    if (!found) throw new Error(`Training session ${session} is closed (or its engine restarted): start a new one.`);
    return found;
  };
  const unsent = (s: Served, snapshot: TrainSnapshot): WireSnapshot => ({
    step: snapshot.step,
    finished: snapshot.finished,
    series: snapshot.series.map(({ history, ...series }, i) => {
      const from = s.sent[i] ?? 0;
      s.sent[i] = history.length;
      return { ...series, from, entries: history.slice(from) };
    }),
  });

  return async (message: TrainToEngine): Promise<void> => {
    switch (message.type) {
      case 'train': {
        const e = await engine();
        const s: Served = { session: await e.train(message.config), sent: [], advances: new Set() };
        const session = nextSession++;
        sessions.set(session, s);
        post({ type: 'session', id: message.id, session, snapshot: unsent(s, s.session.snapshot()) });
        return;
      }
      case 'advance': {
        const s = served(message.session);
        const controller = new AbortController();
        running.set(message.id, controller);
        s.advances.add(controller);
        try {
          const snapshot = await s.session.advance(message.steps, {
            signal: controller.signal,
            onProgress: (progress) => post({ type: 'progress', id: message.id, progress }),
          });
          post({ type: 'advanced', id: message.id, snapshot: unsent(s, snapshot) });
        } finally {
          running.delete(message.id);
          s.advances.delete(controller);
        }
        return;
      }
      case 'forward': {
        const values = await served(message.session).session.forward(
          message.series,
          Float64Array.from(message.points),
          message.withLayers,
        );
        post({
          type: 'forwarded',
          id: message.id,
          values: { outputs: Array.from(values.outputs), pre: values.pre.map((z) => Array.from(z)) },
        });
        return;
      }
      case 'parameters': {
        const p = await served(message.session).session.parameters(message.series);
        const parameters = { weights: p.weights.map((w) => Array.from(w)), biases: p.biases.map((b) => Array.from(b)) };
        post({ type: 'parameters', id: message.id, parameters });
        return;
      }
      case 'close': {
        const s = sessions.get(message.session);
        sessions.delete(message.session);
        for (const controller of s?.advances ?? []) controller.abort();
        s?.session.dispose();
      }
    }
  };
}
