/**
 * One message protocol for engines that run elsewhere — the CPU engine in the page's Web Worker, the GPU engine in the
 * terminal's headless Chromium — so that a run option reaches every engine the same way. The caller's side is
 * RemoteEngine, an Engine and a Trainer like any other; the side that holds the engine answers through serveEngine.
 * Messages are plain data: a result's captured rows travel as number arrays. Training sessions have their own
 * messages (trainProtocol.ts) on the same channel, with the same ids, progress, cancel and errors.
 */
import type { ExperimentConfig } from './config';
import { CancelledError, type Engine, type Progress, type RunOptions, type SendableOptions } from './engine';
import type { RunResult } from './results';
import type { Trainer, TrainingSession } from './training';
import {
  type ProgressMessage,
  RemoteTrainingSession,
  serveTraining,
  type TrainChannel,
  type TrainFromEngine,
  type TrainToEngine,
  type WireSnapshot,
} from './trainProtocol';
import type { RunEstimate } from './work';

/** A result as it crosses: captures as nested number arrays. */
export type WireResult = Omit<RunResult, 'capture'> & { capture?: { rows: number[]; preActivations: number[][][] } };

export type ToEngine =
  | { type: 'open'; id: number }
  | { type: 'run'; id: number; config: ExperimentConfig; options: SendableOptions }
  | { type: 'estimate'; id: number; config: ExperimentConfig; options: SendableOptions }
  | { type: 'cancel'; id: number }
  | TrainToEngine;

export type FromEngine =
  | { type: 'opened'; id: number; device: string; note: string | null }
  | ProgressMessage
  | { type: 'result'; id: number; result: WireResult }
  | { type: 'estimated'; id: number; estimate: RunEstimate }
  | { type: 'error'; id: number; name: string; message: string }
  | TrainFromEngine;

export function toWire(result: RunResult): WireResult {
  const { capture, ...rest } = result;
  if (!capture) return rest;
  return {
    ...rest,
    capture: { rows: capture.rows, preActivations: capture.preActivations.map((s) => s.map((l) => Array.from(l))) },
  };
}

export function fromWire(wire: WireResult): RunResult {
  const { capture, ...rest } = wire;
  if (!capture) return rest;
  const preActivations = capture.preActivations.map((s) => s.map((l) => Float64Array.from(l)));
  return { ...rest, capture: { rows: capture.rows, preActivations } };
}

/** An error from the other side, with its name kept so that a cancellation stays a CancelledError. */
function revive(name: string, message: string): Error {
  if (name === 'CancelledError') return new CancelledError();
  return Object.assign(new Error(message), { name });
}

/** What a finished request resolves with. */
function answerOf(message: Exclude<FromEngine, { type: 'progress' | 'error' }>): unknown {
  switch (message.type) {
    case 'opened':
      return { device: message.device, note: message.note };
    case 'estimated':
      return message.estimate;
    case 'result':
      return message.result;
    case 'session':
      return { session: message.session, snapshot: message.snapshot };
    case 'advanced':
      return message.snapshot;
    case 'forwarded':
      return message.values;
    case 'parameters':
      return message.parameters;
  }
}

interface Pending {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
  onProgress?: (p: Progress) => void;
}

/** The caller's side: `send` delivers a message to the engine; the transport hands every answer to `receive`. */
export class RemoteEngine implements Engine, Trainer {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    readonly name: Engine['name'],
    private readonly send: (message: ToEngine) => void,
  ) {}

  /** Starts the engine on the other side; resolves with its device and what to say about it (an emulated GPU). */
  open(): Promise<{ device: string; note: string | null }> {
    return this.request((id) => this.send({ type: 'open', id }));
  }

  estimate(config: ExperimentConfig, options: SendableOptions = {}): Promise<RunEstimate> {
    return this.request((id) => this.send({ type: 'estimate', id, config, options }));
  }

  run(config: ExperimentConfig, options: RunOptions = {}): Promise<RunResult> {
    const { signal, onProgress, ...sendable } = options;
    return this.call<WireResult>((id) => ({ type: 'run', id, config, options: sendable }), { signal, onProgress }).then(
      fromWire,
    );
  }

  /** Opens a training session on the other side; an engine there that cannot train answers with a sentence. */
  async train(config: ExperimentConfig): Promise<TrainingSession> {
    const channel: TrainChannel = {
      call: (build, options) => this.call(build, options),
      notify: (message) => this.send(message),
    };
    const opened = await this.call<{ session: number; snapshot: WireSnapshot }>((id) => ({
      type: 'train',
      id,
      config,
    }));
    return new RemoteTrainingSession(channel, opened.session, opened.snapshot);
  }

  receive(message: FromEngine): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      pending.onProgress?.(message.progress);
      return;
    }
    this.pending.delete(message.id);
    if (message.type === 'error') pending.reject(revive(message.name, message.message));
    else pending.resolve(answerOf(message) as never);
  }

  /** Fails every request still waiting: the other side is gone. */
  failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  dispose(): void {
    this.failAll(new CancelledError());
  }

  /** Sends the message `build` makes with a fresh id; an abort of `signal` sends `cancel` for it. */
  private call<T>(
    build: (id: number) => ToEngine,
    options: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
  ): Promise<T> {
    const { signal, onProgress } = options;
    if (signal?.aborted) return Promise.reject(new CancelledError());
    return this.request<T>((id) => {
      signal?.addEventListener('abort', () => this.send({ type: 'cancel', id }), { once: true });
      this.send(build(id));
    }, onProgress);
  }

  private request<T>(start: (id: number) => void, onProgress?: (p: Progress) => void): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject, onProgress });
      start(id);
    });
  }
}

/** The engine's side: answers every message through `post`. `open` makes (or re-makes) the engine on demand. */
/** An engine that can describe its device. */
type Described = Engine & { device?: string; note?: string | null };

export function serveEngine(open: () => Promise<Described>, post: (message: FromEngine) => void) {
  let engine: Promise<Described> | null = null;
  const running = new Map<number, AbortController>();
  const failure = (id: number, e: unknown) => {
    const error = e as Error;
    post({ type: 'error', id, name: error?.name ?? 'Error', message: error?.message ?? String(e) });
  };
  const ready = () => {
    engine ??= open().catch((e) => {
      engine = null;
      throw e;
    });
    return engine;
  };
  const training = serveTraining(ready, post, running);
  return async (message: ToEngine): Promise<void> => {
    if (message.type === 'cancel') {
      running.get(message.id)?.abort();
      return;
    }
    if (message.type === 'open') {
      try {
        const e = await ready();
        post({ type: 'opened', id: message.id, device: e.device ?? e.name, note: e.note ?? null });
      } catch (e) {
        failure(message.id, e);
      }
      return;
    }
    if (message.type === 'estimate') {
      try {
        const estimate = await (await ready()).estimate(message.config, message.options);
        post({ type: 'estimated', id: message.id, estimate });
      } catch (e) {
        failure(message.id, e);
      }
      return;
    }
    if (message.type !== 'run') {
      try {
        await training(message);
      } catch (e) {
        if ('id' in message) failure(message.id, e);
      }
      return;
    }
    const controller = new AbortController();
    running.set(message.id, controller);
    try {
      const result = await (await ready()).run(message.config, {
        ...message.options,
        signal: controller.signal,
        onProgress: (progress) => post({ type: 'progress', id: message.id, progress }),
      });
      post({ type: 'result', id: message.id, result: toWire(result) });
    } catch (e) {
      failure(message.id, e);
    } finally {
      running.delete(message.id);
    }
  };
}
