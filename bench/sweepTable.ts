/**
 * The width-sweep table (issue 11): μP's coordinate check over a width list (sweepPlan.ts) timed whole — InitLab's GPU
 * engine against the same sweep written in TensorFlow.js on the same adapter, and the float64 CPU engine.
 */
import type { Page } from 'playwright';
import { CpuEngine } from '../src/cpu/cpuEngine';
import { coordinateCheck } from '../src/lab/coordCheck';
import { trainToEnd } from '../src/lab/training';
import type { SweepTimings } from './host/sweepTimings';
import { printTable } from './printTable';
import { SWEEP_BATCH, SWEEP_DEPTH, SWEEP_LR, SWEEP_STEPS, sweepConfig } from './sweepPlan';

/** The speed the issue asks of the GPU engine's sweep: this many times TF.js's. */
const TARGET_RATIO = 3;

export interface SweepTable extends SweepTimings {
  widths: number[];
  cpuMs: number;
  cpuReadoutSlope: number;
}

async function cpuSweep(widths: number[]): Promise<{ ms: number; slope: number }> {
  const started = performance.now();
  const result = await trainToEnd(new CpuEngine(), sweepConfig(widths));
  const [group] = coordinateCheck(result.series, 'pre', 'rms');
  const slope = group.panels[SWEEP_STEPS].lines.at(-1)?.fit?.slope ?? Number.NaN;
  return { ms: performance.now() - started, slope };
}

export async function measureSweepTable(page: Page, widths: number[], bufferBudget?: number): Promise<SweepTable> {
  process.stderr.write(`width sweep ${widths.join(', ')}: GPU and TF.js (after a warm-up at width 64)...\n`);
  const timings = await page
    .evaluate(([w, b]) => window.initlabBench.measureSweep(w, b), [widths, bufferBudget] as const)
    .catch((error: Error) => {
      // Width 4096 keeps ~1.4 GB of weights (W, its gradient, W₀) on the GPU: more than the default budget's 1 GiB.
      if (!error.message.includes('does not fit the GPU memory')) throw error;
      throw new Error(
        `${error.message}\nGive the GPU engine larger buffers, e.g. npm run bench -- --buffer-budget 512`,
      );
    });
  process.stderr.write(`width sweep ${widths.join(', ')}: CPU...\n`);
  const cpu = await cpuSweep(widths);
  return { ...timings, widths, cpuMs: cpu.ms, cpuReadoutSlope: cpu.slope };
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const slope = (s: number) => s.toFixed(2);

export function printSweepTable(t: SweepTable): void {
  console.log(
    `\nAdapter: ${t.device}. Width sweep, timed whole: the coordinate check of a depth-${SWEEP_DEPTH} He-normal ReLU ` +
      `MLP at widths ${t.widths.join(', ')}, ${SWEEP_STEPS} SGD steps (lr ${SWEEP_LR}) at batch ${SWEEP_BATCH}, ` +
      'every layer measured over the training set and read back at every step, up to its slope against width.',
  );
  const ratio = t.tfjsMs / t.gpuMs;
  printTable(
    ['GPU (s)', 'TF.js (s)', 'GPU ÷ TF.js', 'CPU f64 (s)', 'readout slope GPU / TF.js / CPU'],
    [
      [
        seconds(t.gpuMs),
        seconds(t.tfjsMs),
        `${ratio.toFixed(2)}×`,
        seconds(t.cpuMs),
        [t.gpuReadoutSlope, t.tfjsReadoutSlope, t.cpuReadoutSlope].map(slope).join(' / '),
      ],
    ],
  );
  console.log(
    `\nTarget ≥ ${TARGET_RATIO}× TF.js: ${ratio >= TARGET_RATIO ? 'met' : 'not met'} (${ratio.toFixed(2)}×).`,
  );
  console.log(
    "InitLab's sweep also takes each step's test loss and gradient statistics, and forwards the initial network again " +
      'for Z − Z₀; the TF.js sweep keeps Z₀ and measures only the coordinate check.',
  );
}

export function sweepResults(t: SweepTable) {
  return { ...t, depth: SWEEP_DEPTH, batch: SWEEP_BATCH, steps: SWEEP_STEPS, speedupOverTfjs: t.tfjsMs / t.gpuMs };
}
