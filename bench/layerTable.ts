/**
 * The layer-step table: one fused layer step (matmul + ReLU + statistics of Z and H, rows = width) on the GPU engine's
 * kernel against TensorFlow.js's WebGPU backend (matMul → relu → moments of Z and H) on the same adapter, a naive
 * one-thread-per-output kernel, and the float64 CPU reference.
 */
import type { Page } from 'playwright';
import { affine } from '../src/cpu/layers';
import { emptyPartial, pushValue } from '../src/lab/stats';
import type { Timings } from './host/main';
import { printTable } from './printTable';

export const DEFAULT_WIDTHS = [256, 512, 1024, 2048];
/** Above this the CPU reference is estimated rather than run, so the bench never takes minutes on it. */
const CPU_LIMIT_S = 60;

/** Fewer repetitions where one step takes seconds (SwiftShader); a warm-up run keeps shader compilation out of the times. */
const plan = (width: number) => ({ repetitions: width <= 512 ? 3 : 1, warmUp: width <= 1024 });

const gflops = (width: number, ms: number) => (2 * width ** 3) / (ms * 1e6);
const best = (times: number[]) => Math.min(...times);

function cpuStep(width: number): number {
  const h = Float64Array.from({ length: width * width }, () => 2 * Math.random() - 1);
  const w = Float64Array.from({ length: width * width }, () => (2 * Math.random() - 1) * Math.sqrt(6 / width));
  const started = performance.now();
  const z = affine(
    h.map((x) => Math.max(x, 0)),
    w,
    width,
    width,
    width,
    0,
  );
  const pre = emptyPartial();
  const post = emptyPartial();
  for (const x of z) {
    pushValue(pre, x);
    pushValue(post, Math.max(x, 0));
  }
  return performance.now() - started;
}

interface Row {
  width: number;
  repetitions: number;
  fusedMs: number;
  tfjsMs: number;
  naiveMs: number;
  cpuMs: number | null;
  /** When the CPU was not run: its time extrapolated as width³ from the largest size that was. */
  cpuEstimateMs: number | null;
}

export interface LayerTable {
  device: string;
  rows: Row[];
}

export async function measureLayerTable(page: Page, widths: number[]): Promise<LayerTable> {
  const rows: Row[] = [];
  let device = '';
  let lastCpu: { width: number; ms: number } | null = null;
  for (const width of widths) {
    const { repetitions, warmUp } = plan(width);
    process.stderr.write(
      `width ${width}: GPU kernels and TF.js (${repetitions} repetition${repetitions > 1 ? 's' : ''}${warmUp ? ' after a warm-up' : ''})...\n`,
    );
    const t: Timings = await page.evaluate(([w, r, u]) => window.initlabBench.measure(w, r, u), [
      width,
      repetitions,
      warmUp,
    ] as const);
    device = t.device;
    const estimate = lastCpu ? lastCpu.ms * (width / lastCpu.width) ** 3 : 0;
    let cpuMs: number | null = null;
    if (estimate / 1000 <= CPU_LIMIT_S) {
      process.stderr.write(`width ${width}: CPU reference...\n`);
      cpuMs = cpuStep(width);
      lastCpu = { width, ms: cpuMs };
    }
    rows.push({
      width,
      repetitions,
      fusedMs: best(t.fused),
      tfjsMs: best(t.tfjs),
      naiveMs: best(t.naive),
      cpuMs,
      cpuEstimateMs: cpuMs === null ? estimate : null,
    });
  }
  return { device, rows };
}

const cell = (ms: number | null, width: number) =>
  ms === null ? '—' : `${ms.toFixed(0)} ms ${gflops(width, ms).toFixed(2).padStart(6)}`;

export function printLayerTable({ device, rows }: LayerTable): void {
  console.log(`Adapter: ${device}. One layer step, rows = width; best of the repetitions; GFLOP/s = 2·width³ / time.`);
  const header = ['width', 'fused (ms, GFLOP/s)', 'TF.js', 'naive', 'CPU f64', 'fused vs TF.js'];
  printTable(
    header,
    rows.map((r) => [
      String(r.width),
      cell(r.fusedMs, r.width),
      cell(r.tfjsMs, r.width),
      cell(r.naiveMs, r.width),
      r.cpuMs === null ? `skipped (~${(r.cpuEstimateMs! / 1000).toFixed(0)} s)` : cell(r.cpuMs, r.width),
      `${(r.tfjsMs / r.fusedMs).toFixed(2)}×`,
    ]),
  );
  const large = rows.filter((r) => r.width >= 1024);
  const target = !large.length ? 'not measured' : large.every((r) => r.tfjsMs / r.fusedMs >= 2) ? 'met' : 'not met';
  console.log(
    `\nTarget ≥ 2× TF.js at width ≥ 1024: ${target}${large.length ? ` (${large.map((r) => `${r.width}: ${(r.tfjsMs / r.fusedMs).toFixed(2)}×`).join(', ')})` : ''}.`,
  );
  console.log(
    'The naive kernel computes no statistics; the fused step and TF.js compute the mean and variance of Z and H.',
  );
}

/** The table as bench/results.json has kept it: top-level fields beside the training table. */
export function layerResults({ device, rows }: LayerTable) {
  return {
    device,
    cpuLimitSeconds: CPU_LIMIT_S,
    rows: rows.map((r) => ({
      ...r,
      fusedGflops: gflops(r.width, r.fusedMs),
      tfjsGflops: gflops(r.width, r.tfjsMs),
      naiveGflops: gflops(r.width, r.naiveMs),
      cpuGflops: r.cpuMs === null ? null : gflops(r.width, r.cpuMs),
      speedupOverTfjs: r.tfjsMs / r.fusedMs,
    })),
  };
}
