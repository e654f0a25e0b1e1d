/**
 * The training section's sentences, built from its config and from the history the engine sent: what is trained, how
 * an outcome is decided, what happened to each series, and where the player stands. Plain functions with no DOM (as sentences.ts), so that
 * the prose is tested like any other computation and never states a number the figure could contradict.
 */
import type { ExperimentConfig } from '../lab/config';
import { gridCells } from '../lab/grid';
import { initLabel } from '../lab/initializers';
import { TRAIN_SCHEMA } from '../lab/trainConfig';
import { STALL_FRACTION, type TrainOutcome, type TrainSeries, type TrainSnapshot } from '../lab/training';
import { formatMs, formatNumber } from './format';
import { activationName } from './sentences';
import { referenceInit, TRAIN_MIN_WIDTH, trainingSweep, usesShowcase } from './trainingConfig';
import type { PlayerView, TrainingEngine } from './trainingPlayer';

const figure = (x: number) => formatNumber(x, 3);
const percent = (fraction: number) => `${Number((fraction * 100).toPrecision(3))} %`;

/** "trained at step 200", "stalled", "unfinished", "diverged at step 9". */
export function outcomeText(outcome: TrainOutcome): string {
  return outcome.step === null ? outcome.status : `${outcome.status} at step ${outcome.step}`;
}

/** How the outcomes are decided, with the stall fraction of training.ts. */
export function outcomeRule(targetLoss: number): string {
  return (
    `A series has trained once its train loss reaches the target ${figure(targetLoss)}. It has stalled when its train ` +
    `loss never fell below ${percent(STALL_FRACTION)} of its value at step 0: no real progress. In between it is ` +
    'unfinished: learning, not there yet. It diverged at step k when after update k a weight, a loss or a statistic ' +
    'was no longer a finite number: it stops there, and its curves end at its last finite evaluation.'
  );
}

/** "a fifth of 300 points held out", the dataset in words, from the train table's own summaries. */
function datasetText(config: ExperimentConfig): string {
  const data = config.train.dataset;
  const kinds = TRAIN_SCHEMA.fields.dataset;
  const summary = kinds.type === 'variant' ? kinds.kinds[data.kind].summary : data.kind;
  const noise = data.noise > 0 ? `, noise ${data.noise}` : '';
  const teacher = data.kind === 'teacher' ? `, ${data.dim} inputs, a teacher of ${data.depth} × ${data.width}` : '';
  return `${summary} (${data.size} points${noise}${teacher}, ${percent(data.test)} held out to test)`;
}

function optimizerText(config: ExperimentConfig): string {
  const o = config.train.optimizer;
  const lr = config.axes.lr ? `lr ${config.axes.lr.join(', ')}` : `lr ${o.lr}`;
  if (o.kind === 'adam') return `Adam (${lr}, β₁ ${o.beta1}, β₂ ${o.beta2}, ε ${o.eps})`;
  const momentum = o.momentum === 0 ? '' : `, ${o.nesterov ? 'Nesterov ' : ''}momentum ${o.momentum}`;
  return `SGD (${lr}${momentum})`;
}

/** The training settings in words: data, optimizer, minibatches, steps, target. */
export function trainText(config: ExperimentConfig): string {
  const t = config.train;
  return (
    `on ${datasetText(config)}, with ${optimizerText(config)}, minibatches of ${t.batch}, ${t.steps} steps, ` +
    `evaluated every ${t.evalEvery}; the target train loss is ${figure(t.targetLoss)}`
  );
}

/** Which networks the section trains and how, and where that differs from the panel (`panel`: the reader's config). */
export function trainingSetting(config: ExperimentConfig, panel: ExperimentConfig): string {
  const widths = config.axes.width ? `widths ${config.axes.width.join(', ')}` : `${config.width} units`;
  const depths = config.axes.depth ? `depths ${config.axes.depth.join(', ')}` : `${config.depth} layers`;
  const parts = [
    `This section trains ${config.sweep.length * gridCells(config).length} series on ${depths} of ${widths} (${activationName(config)}), ${trainText(config)}.`,
  ];
  if (!panel.axes.width && panel.width < config.width)
    parts.push(
      `The panel's width ${panel.width} is raised to ${TRAIN_MIN_WIDTH}: narrower networks learn this too slowly to watch, even from a good start.`,
    );
  if (trainingSweep(panel).length > panel.sweep.length)
    parts.push(
      `${initLabel(referenceInit(panel))} joins the panel's series as a reference that starts well: PyTorch's kaiming_normal_ for ${activationName(config)}.`,
    );
  if (usesShowcase(panel.train))
    parts.push(
      `While the panel's training settings are the config's defaults, the section uses its own: the defaults (${trainText({ ...config, train: panel.train })}) are a task these networks do not finish. ` +
        'Change any training control and the section trains exactly what the controls show.',
    );
  return parts.join(' ');
}

/** "σ = 1e-5, σ = 1e-3 and σ = 0.1". */
function listLabels(series: TrainSeries[]): string {
  const labels = series.map((s) => s.label);
  return labels.length < 2 ? labels.join('') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

/** E[Z²] of the last hidden layer at step 0, unless flagged: what the series started from. */
function startingScale(series: TrainSeries, depth: number): number | null {
  const layer = series.history[0]?.layers[depth - 1];
  return layer && !layer.flags.some((f) => f.quantity === 'pre') ? layer.pre.meanSq : null;
}

function scaleRange(series: TrainSeries[], depth: number): string {
  const scales = series.map((s) => startingScale(s, depth)).filter((v): v is number => v !== null);
  if (!scales.length) return '';
  const [low, high] = [Math.min(...scales), Math.max(...scales)];
  const range = low === high ? figure(low) : `${figure(low)} to ${figure(high)}`;
  return ` (at step 0, E[Z²] of the last hidden layer ${range})`;
}

/** What happened so far, grouped by outcome, each group with the scale its networks started from. */
export function trainingSummary(snapshot: TrainSnapshot, config: ExperimentConfig): string {
  if (!snapshot.series.length || !snapshot.series[0].history.length) return '';
  const depth = config.depth;
  const groups = (status: TrainOutcome['status']) => snapshot.series.filter((s) => s.outcome.status === status);
  const parts: string[] = [];
  for (const s of groups('trained'))
    parts.push(`${s.label} reached the target at step ${s.outcome.step}${scaleRange([s], depth)}`);
  const stalled = groups('stalled');
  if (stalled.length)
    parts.push(
      `${listLabels(stalled)} ${stalled.length > 1 ? 'have' : 'has'} stalled${scaleRange(stalled, depth)}: ` +
        `the train loss never fell below ${percent(STALL_FRACTION)} of its start`,
    );
  const unfinished = groups('unfinished');
  if (unfinished.length)
    parts.push(
      `${listLabels(unfinished)} ${unfinished.length > 1 ? 'are' : 'is'} learning${scaleRange(unfinished, depth)}`,
    );
  for (const s of groups('diverged'))
    parts.push(`${s.label} diverged at step ${s.outcome.step}${scaleRange([s], depth)}`);
  const when = snapshot.finished ? `After ${snapshot.step} steps` : `At step ${snapshot.step} of ${config.train.steps}`;
  return `${when}: ${parts.join('; ')}.`;
}

/** The player's state in a line: what to press, where training stands, how fast, and how long is left. */
export function playerStatus(view: PlayerView, steps: number, engines: TrainingEngine[]): string {
  const at = view.snapshot ? `step ${view.snapshot.step} of ${steps}` : '';
  const speed = view.stepsPerSecond ? ` · ${view.stepsPerSecond.toFixed(1)} steps/s` : '';
  const engine = engines.map((e) => e.name.toUpperCase()).join(' and ');
  switch (view.phase) {
    case 'idle':
      return 'Press Play to train every series, or Step for one evaluation interval.';
    case 'preparing':
      return `Preparing the networks on the ${engine} engine…`;
    case 'ready':
      return view.snapshot?.step ? `Paused at ${at}${speed}. Play goes on from here.` : `Ready at ${at}. Press Play.`;
    case 'running':
      return `Training on ${engine}: ${at}${speed}${view.leftMs !== null ? ` · about ${formatMs(view.leftMs)} left` : ''}`;
    case 'finished': {
      // The whole run's rate, not the live one's last slices: it should agree with the steps and the time beside it.
      const step = view.snapshot?.step ?? 0;
      const average =
        view.trainingMs > 0 ? ` · ${((step * 1000) / view.trainingMs).toFixed(1)} steps/s on average` : '';
      return `Done: ${at} in ${formatMs(view.trainingMs)}${average}.`;
    }
    case 'failed':
      return `Training failed: ${view.error} Press Reset to try again, or choose another engine.`;
  }
}
