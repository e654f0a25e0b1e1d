/**
 * The training section's exports, as the rest of the page has them: a PNG button per figure, and the history as CSV
 * or as the JSON `npm run train` writes — with engine "both", the CPU reference's history and the comparison beside
 * it. Nothing to export yet (no evaluation recorded) makes a button do nothing.
 */
import type { ExperimentConfig } from '../lab/config';
import type { TrainResult, TrainSnapshot } from '../lab/training';
import { trainResultCsv, trainResultJson } from '../lab/trainResults';
import { download, downloadText, el } from './dom';
import { compareSoFar } from './trainingCompare';
import type { PlayerView, TrainingEngine } from './trainingPlayer';

/** A PNG button: `image` returns the figure as a data URL, or undefined while nothing is drawn. */
export function pngButton(testid: string, name: string, image: () => string | undefined): HTMLButtonElement {
  const button = el('button', {
    text: 'PNG',
    testid,
    attrs: { type: 'button', title: 'Save this figure as a PNG image' },
  });
  button.addEventListener('click', () => {
    const href = image();
    if (href) download(name, href);
  });
  return button;
}

/** The reader's engine's history as the terminal's result: config, engine, device and the time spent training. */
export function trainingResult(config: ExperimentConfig, engine: TrainingEngine, view: PlayerView): TrainResult {
  return {
    ...(view.snapshot as TrainSnapshot),
    config,
    engine: engine.name,
    ...(engine.device ? { device: engine.device } : {}),
    timings: { totalMs: view.trainingMs },
  };
}

/** The JSON download: the terminal's shape, plus the CPU reference and the comparison when there is one. */
export function trainingJson(config: ExperimentConfig, engine: TrainingEngine, view: PlayerView): object {
  const result = trainingResult(config, engine, view);
  if (!view.reference || !view.snapshot) return trainResultJson(result);
  const reference = { ...view.reference, config, engine: 'cpu' as const, timings: result.timings };
  return {
    ...trainResultJson(result),
    reference: trainResultJson(reference),
    comparison: compareSoFar(config, view.snapshot, view.reference),
  };
}

/** The CSV and JSON buttons; `current` gives what to export, null while nothing is recorded. */
export function resultButtons(
  current: () => { config: ExperimentConfig; engine: TrainingEngine; view: PlayerView } | null,
) {
  const csv = el('button', { text: 'CSV', testid: 'export-csv-training', attrs: { type: 'button' } });
  const json = el('button', {
    text: 'JSON',
    testid: 'export-json-training',
    attrs: { type: 'button', title: 'The same JSON npm run train writes' },
  });
  csv.addEventListener('click', () => {
    const now = current();
    if (now)
      downloadText(
        'initlab-training.csv',
        trainResultCsv(trainingResult(now.config, now.engine, now.view)),
        'text/csv',
      );
  });
  json.addEventListener('click', () => {
    const now = current();
    if (now)
      downloadText(
        'initlab-training.json',
        JSON.stringify(trainingJson(now.config, now.engine, now.view), null, 2),
        'application/json',
      );
  });
  return [csv, json];
}
