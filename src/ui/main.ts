/** The lab page: wires the URL state, the controls, the engines, the runner and the live figures together. */
import 'katex/dist/katex.min.css';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import type { ExperimentConfig } from '../lab/config';
import type { RunResult } from '../lab/results';
import { comparePlan, drawCompareInvitation, drawComparison } from './comparePanel';
import { Controls, type LabState } from './controls';
import { DistributionsFigure, distributionsConfig, HISTOGRAM_BINS } from './distributionsFigure';
import { byId, el } from './dom';
import { ENABLE_WEBGPU_HELP, type EngineSet, startEngines } from './engines';
import { ExperimentFigure } from './experimentFigure';
import { formatMs } from './format';
import { drawHeDerivation, heDerivationConfig } from './heDerivation';
import { drawHiking } from './hikingFigure';
import { LazySections } from './lazySections';
import { Presentation } from './lecture';
import { renderMath } from './math';
import { type Job, jobWork, Runner, type RunStatus } from './runner';
import { drawSymmetry, SYMMETRY_CAPTURE, symmetryConfig } from './symmetryFigure';
import { registerEngine } from './testHooks';
import { readUrl, writeUrl } from './urlState';
import { XavierHistogram } from './xavierHistogram';

/** Past this many multiply–adds (all figures together) a change waits for Run instead of redrawing at once. */
export const AUTO_RUN_WORK = 5e7;
/** Coalesce a slider's burst of input events into one run. */
const DEBOUNCE_MS = 80;

const figures = {
  seed: new ExperimentFigure('seed', byId('seed-figure'), {
    pre: 'Pre-activation variance Var(Z) per layer',
    post: 'Post-activation variance Var(H) per layer',
  }),
  xavier: new ExperimentFigure('xavier', byId('xavier-figure'), {
    pre: 'Xavier: Var(Z) per layer',
    post: 'Xavier: Var(H) per layer',
  }),
  he: new ExperimentFigure('he', byId('he-figure'), {
    pre: 'He vs Xavier: Var(Z) per layer',
    post: 'He vs Xavier: Var(H) per layer',
  }),
  backward: new ExperimentFigure('backward', byId('backward-figure'), {
    grad: 'Backward: E[(∂L/∂Z)²] per layer',
    pre: 'Forward: Var(Z) per layer',
    weightGrad: 'Weight gradients: E[(∂L/∂W)²] per layer',
  }),
};
const distributions = new DistributionsFigure(byId('distributions-figure'));
const histogram = new XavierHistogram(byId('xavier-histogram'));
/** Sections computed only once the reader reaches them: their backward passes and histograms cost extra work. */
const LAZY = ['backward', 'distributions'];
const BACKWARD_SWEEP: ExperimentConfig['sweep'] = [
  { kind: 'he-normal' },
  { kind: 'he-normal', mode: 'fan_out' },
  { kind: 'xavier-normal' },
];
const runner = new Runner();
const status = byId('run-status');
const progress = byId<HTMLProgressElement>('run-progress');
const runButton = byId<HTMLButtonElement>('run-button');
const cancelButton = byId<HTMLButtonElement>('cancel-button');

function jobs(state: LabState, engines: EngineSet, lazy: LazySections, onCompare: () => void): Job[] {
  const c = state.config;
  const engine = state.engine !== 'cpu' && engines.gpu ? engines.gpu : engines.cpu;
  const variant = (sweep: ExperimentConfig['sweep']): ExperimentConfig => ({ ...c, sweep });
  const comparePanel = byId('compare-panel');
  const seed: Job = { id: 'seed', config: c, engine, done: (r) => figures.seed.show(r) };
  const compare: Job[] = [];
  if (state.engine === 'both' && engines.gpu) {
    const plan = comparePlan(c);
    let gpuResult: RunResult | null = null;
    seed.options = { captureRows: plan.captureRows };
    seed.done = (r) => {
      gpuResult = r;
      figures.seed.show(r);
    };
    compare.push({
      id: 'compare',
      config: c,
      engine: engines.cpu,
      options: { captureRows: plan.captureRows, ...(plan.sampled ? { rows: plan.captureRows } : {}) },
      done: (cpu) => drawComparison(comparePanel, gpuResult!, cpu, plan),
    });
  } else {
    drawCompareInvitation(comparePanel, engines.gpu !== null, onCompare);
  }
  return [
    seed,
    ...compare,
    {
      id: 'symmetry',
      config: symmetryConfig(c),
      options: { captureRows: SYMMETRY_CAPTURE },
      engine,
      done: (r) => drawSymmetry(byId('symmetry-figure'), r),
    },
    {
      id: 'xavier',
      config: variant([{ kind: 'xavier-normal' }, { kind: 'xavier-uniform' }]),
      engine,
      done: (r) => figures.xavier.show(r),
    },
    {
      id: 'he',
      config: variant([{ kind: 'he-normal' }, { kind: 'he-uniform' }, { kind: 'xavier-normal' }]),
      engine,
      done: (r) => figures.he.show(r),
    },
    {
      id: 'he-derivation',
      config: heDerivationConfig(c),
      engine,
      done: (r) => drawHeDerivation(byId('he-derivation'), r),
    },
    ...(lazy.has('backward')
      ? [
          {
            id: 'backward',
            config: variant(BACKWARD_SWEEP),
            options: { backward: true },
            engine,
            fallback: engines.cpu,
            done: (r: RunResult, substitution: string) => figures.backward.show(r, substitution),
          },
        ]
      : []),
    ...(lazy.has('distributions')
      ? [
          {
            id: 'distributions',
            config: distributionsConfig(c),
            options: { backward: true, histogramBins: HISTOGRAM_BINS },
            engine,
            fallback: engines.cpu,
            done: (r: RunResult, substitution: string) => distributions.show(r, substitution),
          },
        ]
      : []),
  ];
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
    histogram.show(state.config.width, state.config.seed);
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
  drawHiking(byId('hiking-figure'));
  const url = readUrl(location.search);
  const engines = await startEngines();
  const state: LabState = {
    config: url.config,
    engine: url.engine && (url.engine === 'cpu' || engines.gpu) ? url.engine : engines.gpu ? 'gpu' : 'cpu',
  };
  registerEngine(state.engine);
  showNotices(url.problems, engines, url.engine !== null && url.engine !== 'cpu');
  let current = state;
  let timer: number | undefined;
  let controls: Controls | null = null;
  /** A section came into view during a run: plan again when the run ends, rather than cancel it. */
  let replanAfterRun = false;

  const schedule = (next: LabState, immediate: boolean) => {
    current = next;
    registerEngine(next.engine);
    history.replaceState(null, '', writeUrl(next.config, next.engine));
    clearTimeout(timer);
    const planned = jobs(next, engines, lazy, () => controls?.setEngine('both'));
    const work = planned.filter((j) => !runner.isCached(j)).reduce((sum, j) => sum + jobWork(j), 0);
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
  const lazy = new LazySections(LAZY, () => {
    if (runner.busy) replanAfterRun = true;
    else schedule(current, false);
  });

  controls = new Controls(byId('control-host'), state, engines.gpu !== null, (next) => schedule(next, false));
  runButton.addEventListener('click', () => schedule(current, true));
  cancelButton.addEventListener('click', () => runner.cancel());
  new Presentation(() => {
    Object.values(figures).forEach((f) => {
      f.restyle();
    });
    histogram.render();
    distributions.render();
  });
  schedule(state, false);
}

start().catch((error) => {
  status.textContent = `The page could not start: ${(error as Error).message}`;
});
