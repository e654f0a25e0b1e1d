/** The lab page: wires the URL state, the controls, the engines, the runner and the live figures together. */
import 'katex/dist/katex.min.css';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { formatDuration } from '../lab/work';
import { Controls } from './controls';
import { byId, el } from './dom';
import { ENABLE_WEBGPU_HELP, type EngineSet, startEngines } from './engines';
import { formatMs } from './format';
import { drawHiking } from './hikingFigure';
import { LazySections } from './lazySections';
import { Presentation } from './lecture';
import { renderMath } from './math';
import { RescueSection } from './rescueSection';
import { type Job, jobWork, partJobId, Runner, type RunStatus } from './runner';
import { createSections } from './sections';
import type { Section } from './sectionTypes';
import { registerEngine } from './testHooks';
import { TrainingSection } from './trainingSection';
import { type LabState, readUrl, writeUrl } from './urlState';
import { WidthSection } from './widthSection';
import { readWidthUrl } from './widthUrl';
import { XavierHistogram } from './xavierHistogram';

/** Past this many multiply–adds (all figures together) a change waits for Run instead of redrawing at once. */
export const AUTO_RUN_WORK = 5e7;
/** Coalesce a slider's burst of input events into one run. */
const DEBOUNCE_MS = 80;

const runner = new Runner();
const status = byId('run-status');
const progress = byId<HTMLProgressElement>('run-progress');
const runButton = byId<HTMLButtonElement>('run-button');
const cancelButton = byId<HTMLButtonElement>('cancel-button');
const estimateLine = byId('run-estimate');
const xavierHistogram = new XavierHistogram(byId('xavier-histogram'));

/** The jobs of the sections that run in this state, on the engines they ask for. */
function plan(sections: Section[], state: LabState, engines: EngineSet, lazy: LazySections): Job[] {
  const chosen = state.engine !== 'cpu' && engines.gpu ? engines.gpu : engines.cpu;
  return sections.flatMap((section): Job[] => {
    if (section.lazy && !lazy.has(section.section ?? section.id)) return [];
    if (section.active && !section.active(state, engines.gpu !== null)) {
      section.figure.idle?.();
      return [];
    }
    const onCpu = section.engine === 'cpu';
    const job = {
      options: section.options?.(state),
      engine: onCpu ? engines.cpu : chosen,
      fallback: onCpu ? undefined : engines.cpu,
    };
    // A part's result is drawn by its section's own job, which runs after it.
    const parts = (section.parts?.(state) ?? []).map(
      (part): Job => ({ ...job, id: partJobId(section.id, part.id), config: part.config, done: () => undefined }),
    );
    return [
      ...parts,
      {
        ...job,
        id: section.id,
        config: section.config(state),
        done: (result, substitution, resultOf) => section.figure.show(result, substitution, resultOf),
      },
    ];
  });
}

/** The plan's cost beside Run, from each engine's measured speed; `stillCurrent` drops an answer that came too late. */
async function showEstimate(jobs: Job[], stillCurrent: () => boolean): Promise<void> {
  try {
    const estimates = await Promise.all(jobs.map((j) => j.engine.estimate(j.config, j.options)));
    if (!stillCurrent()) return;
    const macs = estimates.reduce((sum, e) => sum + e.macs, 0);
    const seconds = estimates.reduce((sum, e) => sum + e.seconds, 0);
    estimateLine.textContent = jobs.length
      ? `Estimate: ${macs.toExponential(1)} multiply–adds, about ${formatDuration(seconds)}.`
      : 'Every figure is up to date.';
  } catch (error) {
    if (stillCurrent()) estimateLine.textContent = `No estimate: ${(error as Error).message}`;
  }
}

function showStatus(s: RunStatus): void {
  progress.hidden = false;
  progress.value = s.fraction;
  const left = s.leftMs === null ? 'estimating time left…' : `about ${formatMs(s.leftMs)} left`;
  status.textContent = `Running: ${(s.fraction * 100).toFixed(0)} %, ${left}`;
}

async function execute(planned: Job[], state: LabState): Promise<void> {
  cancelButton.disabled = false;
  status.textContent = 'Running…';
  const started = performance.now();
  try {
    xavierHistogram.show(state.config.width, state.config.seed);
    const finished = await runner.run(planned, showStatus);
    if (finished) status.textContent = `Done in ${formatMs(performance.now() - started)}.`;
    else if (!runner.busy) status.textContent = 'Cancelled. Press Run to start again.';
  } catch (error) {
    status.textContent = `The run failed: ${(error as Error).message}`;
  } finally {
    if (!runner.busy) {
      cancelButton.disabled = true;
      progress.hidden = true;
    }
  }
}

function showNotices(problems: string[], engines: EngineSet, requestedGpu: boolean): void {
  const urlBox = byId('url-problems');
  urlBox.hidden = problems.length === 0;
  urlBox.replaceChildren(
    el('strong', { text: 'Some values in the link were not valid and were replaced by defaults:' }),
    el(
      'ul',
      {},
      problems.map((p) => el('li', { text: p })),
    ),
  );
  const engineBox = byId('engine-notice');
  if (engines.gpu) {
    engineBox.hidden = true;
    return;
  }
  engineBox.hidden = false;
  const lead = requestedGpu
    ? 'The link asks for the GPU engine, but WebGPU is not available here'
    : 'WebGPU is not available here';
  engineBox.replaceChildren(
    el('strong', { text: `${lead}: everything runs on the CPU engine (float64, in a background worker). ` }),
    el('span', { text: `${engines.gpuProblem ?? ''} ${ENABLE_WEBGPU_HELP}` }),
  );
}

async function start(): Promise<void> {
  renderMath(document.body);
  drawHiking(byId('hiking-figure'), byId('hiking-caption'));
  const url = readUrl(location.search);
  const engines = await startEngines();
  const state: LabState = {
    config: url.config,
    engine: url.engine && (url.engine === 'cpu' || engines.gpu) ? url.engine : engines.gpu ? 'gpu' : 'cpu',
  };
  registerEngine(state.engine);
  const widthUrl = readWidthUrl(new URLSearchParams(location.search), url.config);
  showNotices([...url.problems, ...widthUrl.problems], engines, url.engine !== null && url.engine !== 'cpu');
  let current = state;
  let timer: number | undefined;
  let controls: Controls | null = null;
  /** A section came into view during a run: plan again when the run ends, rather than cancel it. */
  let replanAfterRun = false;
  const writeState = () => history.replaceState(null, '', writeUrl(current.config, current.engine) + width.query());
  const width = new WidthSection(engines, widthUrl, writeState);
  const training = new TrainingSection(byId('training-figure'), engines, (train) => controls?.setTrain(train));
  const rescue = new RescueSection({ outcomes: byId('rescue-figure'), curves: byId('rescue-curves') }, engines);

  const schedule = (next: LabState, immediate: boolean) => {
    current = next;
    registerEngine(next.engine);
    writeState();
    training.follow(next);
    rescue.follow(next);
    width.follow(next);
    clearTimeout(timer);
    const planned = plan(sections, next, engines, lazy);
    const fresh = planned.filter((j) => !runner.isCached(j));
    const work = fresh.reduce((sum, j) => sum + jobWork(j), 0);
    void showEstimate(fresh, () => current === next);
    if (!immediate && work > AUTO_RUN_WORK) {
      runner.cancel();
      status.textContent = `This experiment needs ${work.toExponential(1)} multiply–adds: press Run to start it.`;
      return;
    }
    timer = window.setTimeout(
      async () => {
        await execute(planned, next);
        if (replanAfterRun && !runner.busy) {
          replanAfterRun = false;
          schedule(current, false);
        }
      },
      immediate ? 0 : DEBOUNCE_MS,
    );
  };
  const sections = createSections(
    engines.gpu !== null,
    () => controls?.setEngine('both'),
    (network) => {
      controls?.load(network);
      byId('experiment').scrollIntoView({
        behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth',
      });
    },
  );
  const lazy = new LazySections([...new Set(sections.filter((s) => s.lazy).map((s) => s.section ?? s.id))], () => {
    if (runner.busy) replanAfterRun = true;
    else schedule(current, false);
  });

  controls = new Controls(byId('control-host'), state, engines.gpu !== null, engines.gpuNote, (next) =>
    schedule(next, false),
  );
  runButton.addEventListener('click', () => schedule(current, true));
  cancelButton.addEventListener('click', () => runner.cancel());
  new Presentation(() => {
    for (const section of sections) section.figure.restyle?.();
    training.restyle();
    rescue.restyle();
    width.restyle();
    xavierHistogram.render();
  });
  schedule(state, false);
}

start().catch((error) => {
  status.textContent = `The page could not start: ${(error as Error).message}`;
});
