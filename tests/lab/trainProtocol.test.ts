/**
 * Training sessions through the engine protocol, in process: RemoteEngine ↔ serveEngine over a fake transport that
 * clones every message as postMessage does, so nothing is shared but what the messages carry.
 */
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { type ExperimentConfig, formatError, parseConfig } from '../../src/lab/config';
import { CancelledError, type Engine, type Progress } from '../../src/lab/engine';
import { type FromEngine, RemoteEngine, serveEngine, type ToEngine } from '../../src/lab/engineProtocol';

/** A RemoteEngine wired to serveEngine(open); `sent` logs every answer the engine's side posts. */
function connect(open: () => Promise<Engine>, name: Engine['name'] = 'cpu') {
  const sent: FromEngine[] = [];
  let remote: RemoteEngine | null = null;
  const serve = serveEngine(open, (message) => {
    sent.push(message);
    setTimeout(() => remote?.receive(structuredClone(message)), 0);
  });
  remote = new RemoteEngine(name, (message: ToEngine) => void serve(structuredClone(message)));
  return { remote, sent };
}

function config(raw: object): ExperimentConfig {
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error(parsed.errors.map(formatError).join('; '));
  return parsed.config;
}

const small = config({
  depth: 2,
  width: 8,
  sweep: [{ kind: 'he-normal' }, { kind: 'normal', sigma: 0.1 }],
  train: { dataset: { kind: 'xor', size: 100 }, batch: 10, steps: 12, evalEvery: 3 },
});

const big = config({
  depth: 4,
  width: 64,
  train: { dataset: { kind: 'circles', size: 1000 }, batch: 128, steps: 8, evalEvery: 4 },
});

describe('training sessions through the engine protocol', () => {
  it('a remote session trains exactly as a local one: snapshots, forward values and parameters', async () => {
    const { remote } = connect(async () => new CpuEngine());
    const [there, here] = [await remote.train(small), await new CpuEngine().train(small)];
    expect(there.snapshot()).toEqual(here.snapshot());
    for (const steps of [0, 5, 100]) expect(await there.advance(steps)).toEqual(await here.advance(steps));
    expect(there.snapshot()).toEqual(here.snapshot());
    const points = Float64Array.from([0.5, -0.5, 0.1, 0.2]);
    expect(await there.forward(1, points, true)).toEqual(await here.forward(1, points, true));
    expect(await there.parameters(0)).toEqual(await here.parameters(0));
  });

  it('an advance sends only the entries the caller has not seen', async () => {
    const { remote, sent } = connect(async () => new CpuEngine());
    const session = await remote.train(small);
    await session.advance(4);
    await session.advance(4);
    const advanced = sent.flatMap((m) => (m.type === 'advanced' ? [m.snapshot.series[0]] : []));
    expect(advanced.map((s) => [s.from, s.entries.map((e) => e.step)])).toEqual([
      [0, [0, 3]],
      [2, [6]],
    ]);
    expect(session.snapshot().series[0].history.map((e) => e.step)).toEqual([0, 3, 6]);
  });

  it('progress crosses with its step, and a cancel stops the advance and leaves the session whole', async () => {
    const { remote } = connect(async () => new CpuEngine());
    const session = await remote.train(big);
    const controller = new AbortController();
    const seen: Progress[] = [];
    const advance = session.advance(8, {
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (seen.length === 3) controller.abort();
      },
    });
    await expect(advance).rejects.toBeInstanceOf(CancelledError);
    expect(seen[0].step).toBeDefined();
    const finished = await session.advance(8);
    expect(finished).toEqual(await (await new CpuEngine().train(big)).advance(8));
  });

  it('errors cross as sentences, and a closed session is refused', async () => {
    const { remote } = connect(async () => new CpuEngine());
    const session = await remote.train(small);
    await expect(session.parameters(5)).rejects.toThrow('series = 5: one of 0 … 1');
    session.dispose();
    await expect(session.advance(1)).rejects.toThrow(/Training session \d+ is closed/);
  });

  it('closing a session aborts its advance in flight', async () => {
    const { remote } = connect(async () => new CpuEngine());
    const session = await remote.train(big);
    const advance = session.advance(8, { onProgress: () => session.dispose() });
    await expect(advance).rejects.toBeInstanceOf(CancelledError);
  });
});
