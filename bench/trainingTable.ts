/**
 * The training table: steps per second of InitLab's GPU trainer against TensorFlow.js's WebGPU backend training the
 * same MLP (trainPlan.ts) on the same adapter, with SGD (momentum 0.9) and Adam, and of the float64 CPU trainer.
 */
import type { Page } from 'playwright';
import { CpuEngine } from '../src/cpu/cpuEngine';
import { printTable } from './printTable';
import {
  BENCH_OPTIMIZERS,
  type BenchOptimizer,
  TIMED_STEPS,
  TRAIN_BATCH,
  TRAIN_DEPTH,
  TRAIN_WIDTHS,
  timeSession,
  trainBenchConfig,
} from './trainPlan';

/** The speed the issue asks of the GPU trainer at width 1024: this many times TF.js's steps per second. */
const TARGET_RATIO = 3;
const TARGET_WIDTH = 1024;

type PerOptimizer = Record<BenchOptimizer, number>;

interface TrainingRow {
  width: number;
  timedSteps: number;
  gpuStepsPerSecond: PerOptimizer;
  tfjsStepsPerSecond: PerOptimizer;
  cpuStepsPerSecond: PerOptimizer;
}

export interface TrainingTable {
  device: string;
  rows: TrainingRow[];
}

const perSecond = (steps: number, ms: number) => (1000 * steps) / ms;

export async function measureTrainingTable(page: Page): Promise<TrainingTable> {
  const rows: TrainingRow[] = [];
  let device = '';
  const cpu = new CpuEngine();
  for (const width of TRAIN_WIDTHS) {
    const steps = TIMED_STEPS[width];
    const gpu = {} as PerOptimizer;
    const tfjs = {} as PerOptimizer;
    const cpuRates = {} as PerOptimizer;
    for (const optimizer of BENCH_OPTIMIZERS) {
      process.stderr.write(
        `training, width ${width}, ${optimizer}: GPU and TF.js (${steps} steps after a warm-up)...\n`,
      );
      const t = await page.evaluate(([w, o]) => window.initlabBench.measureTraining(w, o), [width, optimizer] as const);
      device = t.device;
      gpu[optimizer] = perSecond(steps, t.gpuMs);
      tfjs[optimizer] = perSecond(steps, t.tfjsMs);
      process.stderr.write(`training, width ${width}, ${optimizer}: CPU...\n`);
      const session = await cpu.train(trainBenchConfig(width, optimizer));
      try {
        cpuRates[optimizer] = perSecond(steps, await timeSession(session, steps));
      } finally {
        session.dispose();
      }
    }
    rows.push({
      width,
      timedSteps: steps,
      gpuStepsPerSecond: gpu,
      tfjsStepsPerSecond: tfjs,
      cpuStepsPerSecond: cpuRates,
    });
  }
  return { device, rows };
}

const rate = (stepsPerSecond: number) => stepsPerSecond.toPrecision(3);
const ratio = (row: TrainingRow, optimizer: BenchOptimizer) =>
  row.gpuStepsPerSecond[optimizer] / row.tfjsStepsPerSecond[optimizer];

export function printTrainingTable({ device, rows }: TrainingTable): void {
  console.log(
    `\nAdapter: ${device}. Training steps per second: depth ${TRAIN_DEPTH} ReLU, batch ${TRAIN_BATCH}, softmax ` +
      'cross-entropy; SGD is momentum 0.9. One warm-up step, then the timed steps; no evaluation among them, and ' +
      'TF.js reads its loss back once, at the end.',
  );
  const header = ['width', 'steps', 'GPU SGD', 'TF.js SGD', 'GPU ÷ TF.js', 'GPU Adam', 'TF.js Adam', 'GPU ÷ TF.js'];
  printTable(
    [...header, 'CPU SGD', 'CPU Adam'],
    rows.map((r) => [
      String(r.width),
      String(r.timedSteps),
      ...BENCH_OPTIMIZERS.flatMap((o) => [
        rate(r.gpuStepsPerSecond[o]),
        rate(r.tfjsStepsPerSecond[o]),
        `${ratio(r, o).toFixed(2)}×`,
      ]),
      ...BENCH_OPTIMIZERS.map((o) => rate(r.cpuStepsPerSecond[o])),
    ]),
  );
  const target = rows.find((r) => r.width === TARGET_WIDTH);
  const verdict = !target
    ? 'not measured'
    : `${BENCH_OPTIMIZERS.every((o) => ratio(target, o) >= TARGET_RATIO) ? 'met' : 'not met'} (${BENCH_OPTIMIZERS.map((o) => `${o}: ${ratio(target, o).toFixed(2)}×`).join(', ')})`;
  console.log(`\nTarget ≥ ${TARGET_RATIO}× TF.js at width ${TARGET_WIDTH}: ${verdict}.`);
}

export function trainingResults({ device, rows }: TrainingTable) {
  return {
    device,
    depth: TRAIN_DEPTH,
    batch: TRAIN_BATCH,
    rows: rows.map((r) => ({
      ...r,
      speedupOverTfjs: Object.fromEntries(BENCH_OPTIMIZERS.map((o) => [o, ratio(r, o)])),
    })),
  };
}
