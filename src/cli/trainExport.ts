/**
 * `npm run train -- --export DIR`: a run as NumPy files anyone can load into NumPy or PyTorch to replay or continue it,
 * and a manifest.json that describes every file. The datasets and minibatches are drawn again from the stream (every
 * engine trains on exactly these); the parameters are the engine's, at initialization and at the end.
 *
 *   train_x.npy [N × d] '<f8'   train_y.npy [N] '<i4' class indices, or [N × k] '<f8' values   test_x.npy, test_y.npy
 *   batches.npy [steps × batch] '<i4': the training rows update u + 1 used, row u
 *   s{s}/W{l}_init.npy [n_{l−1} × n_l] '<f8' (Z = H·W + b), s{s}/b{l}_init.npy [n_l], and the same _final,
 *   for every series s (from 0) and layer l = 1 … depth + 1 (the readout last) — for a residual network every matrix
 *   k = 1 … 2·depth + 2 in the forward pass's order (W_in, then W_{l,1} and W_{l,2} per block, the readout last)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJson, type ExperimentConfig } from '../lab/config';
import { type DataSplit, makeDataset } from '../lab/datasets';
import { Minibatches } from '../lab/minibatches';
import { datasetShape } from '../lab/trainConfig';
import { type Parameters, type TrainResult, trainFactors } from '../lab/training';
import { trainMatrices } from '../lab/trainWork';
import { NpyWriter, npyDescr, writeNpy } from './npy';

/** A run to export: its result and every series' parameters at initialization and at the end. */
export interface ExportedRun {
  result: TrainResult;
  initial: Parameters[];
  final: Parameters[];
}

interface FileEntry {
  path: string;
  dtype: string;
  shape: number[];
  description: string;
}

/** Minibatch rows are written this many steps at a time, so a long run's batches never sit in memory whole. */
const BATCH_STEPS_PER_WRITE = 4096;

function writeBatches(path: string, config: ExperimentConfig, trainRows: number): void {
  const { steps, batch } = config.train;
  const minibatches = new Minibatches(config.seed, trainRows, batch);
  const writer = new NpyWriter(path, '<i4', [steps, batch]);
  for (let first = 0; first < steps; first += BATCH_STEPS_PER_WRITE) {
    const count = Math.min(BATCH_STEPS_PER_WRITE, steps - first);
    const rows = new Int32Array(count * batch);
    for (let k = 0; k < count; k++) rows.set(minibatches.rowsOf(first + k), k * batch);
    writer.write(rows);
  }
  writer.close();
}

export function exportRun(dir: string, run: ExportedRun): void {
  const { config } = run.result;
  const files: FileEntry[] = [];
  const write = (path: string, data: Float64Array | Int32Array, shape: number[], description: string) => {
    writeNpy(join(dir, path), data, shape);
    files.push({ path, dtype: npyDescr(data), shape, description });
  };
  mkdirSync(dir, { recursive: true });
  const data = makeDataset(config.train.dataset, config.seed);
  const targets = (split: DataSplit) => (data.classes ? [split.rows] : [split.rows, data.outputs]);
  const what = data.classes ? 'class indices' : 'regression targets';
  for (const [name, split] of [
    ['train', data.train],
    ['test', data.test],
  ] as const) {
    write(`${name}_x.npy`, split.x, [split.rows, data.dim], `${name} set inputs, one row per point`);
    write(`${name}_y.npy`, split.y, targets(split), `${name} set ${what}`);
  }
  writeBatches(join(dir, 'batches.npy'), config, data.train.rows);
  files.push({
    path: 'batches.npy',
    dtype: '<i4',
    shape: [config.train.steps, config.train.batch],
    description: 'row u: the train_x rows update u + 1 used, in order',
  });
  const matrices = trainMatrices(config);
  const widths = [matrices[0].fanIn, ...matrices.map((m) => m.fanOut)];
  run.result.series.forEach((series, s) => {
    mkdirSync(join(dir, `s${s}`), { recursive: true });
    for (const [when, parameters] of [
      ['init', run.initial[s]],
      ['final', run.final[s]],
    ] as const) {
      parameters.weights.forEach((w, i) => {
        const l = i + 1;
        write(`s${s}/W${l}_${when}.npy`, w, [widths[i], widths[l]], `${series.label}: W_${l} (${when}), Z = H·W + b`);
        write(`s${s}/b${l}_${when}.npy`, parameters.biases[i], [widths[l]], `${series.label}: b_${l} (${when})`);
      });
    }
  });
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest(run, widths, files), null, 2)}\n`);
}

/** How the exported matrices make the network, for the manifest (src/lab/architecture.ts's model). */
function forwardText(config: ExperimentConfig): string {
  const { kind, norm } = config.architecture;
  const n =
    norm === 'none'
      ? ''
      : ` N = ${norm === 'layer' ? 'LayerNorm over a row' : 'BatchNorm over the batch'} without affine parameters (eps = architecture.eps);`;
  if (kind === 'plain')
    return norm === 'none'
      ? 'H_0 = x; Z_l = c_l * (H_{l-1} @ W_l) + b_l; H_l = activation(Z_l) for l = 1 … depth; the readout Z_{depth+1} has none'
      : `H_0 = x; Z_l = c_l * (H_{l-1} @ W_l) + b_l; H_l = activation(N(Z_l)) for l = 1 … depth; the readout Z_{depth+1} has none;${n}`;
  return `x = c_1 * (x_in @ W_1) + b_1; for each block l = 1 … depth, with k = 2l: Z = c_k * (activation(N(x)) @ W_k) + b_k; x = x + alpha * (c_{k+1} * (activation(Z) @ W_{k+1}) + b_{k+1}); the readout Z = c_K * (activation(N(x)) @ W_K) + b_K, K = 2·depth + 2; alpha = architecture.branchScale (1/sqrt(depth) for "1/sqrt(depth)");${n || ' N is the identity'}`;
}

function manifest(run: ExportedRun, widths: number[], files: FileEntry[]): object {
  const { config } = run.result;
  const { classes } = datasetShape(config.train.dataset);
  return {
    format: 'NumPy .npy v1.0, little-endian, C (row-major) order',
    engine: run.result.engine,
    ...(run.result.device ? { device: run.result.device } : {}),
    model: {
      widths,
      activation: config.activation,
      ...(config.activation === 'leaky-relu' ? { slope: config.slope } : {}),
      architecture: config.architecture,
      forward: forwardText(config),
      parametrization: {
        ...config.parametrization,
        note: 'c_l: each matrix’s output multiplier (l as in W{l}); its W and b train with lr times weightLr and biasLr (SGD or Adam per the optimizer); biasLr 0: a bias BatchNorm makes irrelevant (gradient 0 in exact arithmetic), not trained',
        layers: trainFactors(config, trainMatrices(config)).map((f, i) => ({
          layer: i + 1,
          multiplier: f.multiplier,
          weightLr: f.weightLr,
          biasLr: f.biasLr,
        })),
      },
      loss: classes
        ? 'CrossEntropyLoss() on the readout (mean over the batch)'
        : 'MSELoss() on the readout (mean over all elements)',
    },
    optimizer: config.train.optimizer,
    batch: config.train.batch,
    steps: config.train.steps,
    series: run.result.series.map((s, i) => ({
      dir: `s${i}`,
      label: s.label,
      init: s.init,
      outcome: s.outcome,
      ...(s.outcome.status === 'diverged'
        ? {
            note: `diverged at update ${s.outcome.step}: its _final files hold what that update left, which may be NaN or ±Infinity`,
          }
        : {}),
    })),
    files,
    config: configJson(config),
  };
}
