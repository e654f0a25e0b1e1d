/**
 * `npm run bench`: one fused layer step (matmul + ReLU + statistics of Z and H, rows = width) on the GPU engine's
 * kernel against TensorFlow.js's WebGPU backend (matMul → relu → moments of Z and H) on the same adapter, a naive
 * one-thread-per-output kernel, and the float64 CPU reference; then the lab's large GPU sweep, a 32 × 32 phase diagram,
 * on the GPU engine and the CPU reference (`--phase-only` times that alone). Prints a table and writes
 * bench/results.json.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openHostPage } from '../src/cli/browserHost';
import { CpuEngine } from '../src/cpu/cpuEngine';
import { affine } from '../src/cpu/layers';
import { type ExperimentConfig, parseConfig } from '../src/lab/config';
import { phasePoints, phaseWork } from '../src/lab/phase';
import { emptyPartial, pushValue } from '../src/lab/stats';
import type { PhaseTiming, Timings } from './host/main';

const DEFAULT_WIDTHS = [256, 512, 1024, 2048];

/** `npm run bench -- --widths 256,512` measures other sizes. */
function widthsFromArgs(argv: string[]): number[] {
  const i = argv.indexOf('--widths');
  if (i < 0) return DEFAULT_WIDTHS;
  const widths = (argv[i + 1] ?? '').split(',').map(Number);
  if (!widths.length || widths.some((w) => !Number.isInteger(w) || w < 1 || w > 16384)) {
    throw new Error(`--widths = ${argv[i + 1] ?? 'missing'}: comma-separated integers from 1 to 16384`);
  }
  return widths;
}
/**
 * The phase-diagram sweep the bench times: a 32 × 32 grid of tanh networks (the page's order–chaos map at full size),
 * 20 layers of 128 units, 8 pairs each, one trial: 1024 networks, 5.4·10⁹ multiply–adds.
 */
const PHASE_BENCH = {
  activation: 'tanh',
  depth: 20,
  width: 128,
  input: { distribution: 'pairs', batch: 16, width: 128, correlation: 0.5 },
  phase: { sigmaW: [0.25, 4, 32], sigmaB: [0, 1, 32] },
};

function phaseConfig(raw: object): ExperimentConfig {
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error('the bench phase config is invalid');
  return parsed.config;
}

/** Above this the CPU reference is estimated rather than run, so the bench never takes minutes on it. */
const CPU_LIMIT_S = 60;
const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));

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

const cell = (ms: number | null, width: number) =>
  ms === null ? '—' : `${ms.toFixed(0)} ms ${gflops(width, ms).toFixed(2).padStart(6)}`;

/** The phase-diagram sweep on the GPU (in the page) and on the CPU reference (here), after a small warm-up on each. */
async function timePhase(page: Awaited<ReturnType<typeof openHostPage>>['page']) {
  const config = phaseConfig(PHASE_BENCH);
  const warmUp = phaseConfig({ ...PHASE_BENCH, depth: 2, phase: { sigmaW: [1, 2, 2], sigmaB: [0, 1, 2] } });
  process.stderr.write(`phase diagram: ${phasePoints(config).length} networks on the GPU...\n`);
  const gpu: PhaseTiming = await page.evaluate(([c, w]) => window.initlabBench.phase(c, w), [config, warmUp] as const);
  process.stderr.write('phase diagram: the same on the CPU reference...\n');
  const cpu = new CpuEngine();
  await cpu.run(warmUp, { phase: true });
  const cpuMs = (await cpu.run(config, { phase: true })).timings.totalMs;
  return {
    networks: phasePoints(config).length,
    macs: phaseWork(config),
    gpuMs: gpu.ms,
    gpuOneAtATimeMs: gpu.oneAtATimeMs,
    cpuMs,
    device: gpu.device,
  };
}

async function main(): Promise<void> {
  const { page, close } = await openHostPage('/bench/host/index.html', 'initlabBench');
  const rows: Row[] = [];
  let device = '';
  let lastCpu: { width: number; ms: number } | null = null;
  const phaseOnly = process.argv.includes('--phase-only');
  let phase: Awaited<ReturnType<typeof timePhase>> | null = null;
  try {
    for (const width of phaseOnly ? [] : widthsFromArgs(process.argv.slice(2))) {
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
    phase = await timePhase(page);
    device ||= phase.device;
  } finally {
    await close();
  }

  console.log(`Adapter: ${device}. One layer step, rows = width; best of the repetitions; GFLOP/s = 2·width³ / time.`);
  const header = ['width', 'fused (ms, GFLOP/s)', 'TF.js', 'naive', 'CPU f64', 'fused vs TF.js'];
  const table = rows.map((r) => [
    String(r.width),
    cell(r.fusedMs, r.width),
    cell(r.tfjsMs, r.width),
    cell(r.naiveMs, r.width),
    r.cpuMs === null ? `skipped (~${(r.cpuEstimateMs! / 1000).toFixed(0)} s)` : cell(r.cpuMs, r.width),
    `${(r.tfjsMs / r.fusedMs).toFixed(2)}×`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => row[c].length)));
  for (const line of [header, ...table]) console.log(line.map((text, c) => text.padStart(widths[c])).join('  '));
  if (!phase) throw new Error('the phase diagram was not timed');
  const large = rows.filter((r) => r.width >= 1024);
  const target = !large.length ? 'not measured' : large.every((r) => r.tfjsMs / r.fusedMs >= 2) ? 'met' : 'not met';
  console.log(
    `\nTarget ≥ 2× TF.js at width ≥ 1024: ${target}${large.length ? ` (${large.map((r) => `${r.width}: ${(r.tfjsMs / r.fusedMs).toFixed(2)}×`).join(', ')})` : ''}.`,
  );
  console.log(
    'The naive kernel computes no statistics; the fused step and TF.js compute the mean and variance of Z and H.',
  );
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(
    `\nPhase diagram (tanh, 32 × 32 grid, ${phase.networks} networks of 20 layers of 128, 16 rows each, ${phase.macs.toExponential(2)} multiply–adds): GPU, every network at once, ${seconds(phase.gpuMs)} (${(phase.macs / phase.gpuMs / 1e6).toFixed(2)} G multiply–adds/s); GPU one network at a time ${seconds(phase.gpuOneAtATimeMs)} (extrapolated from 16); CPU f64 ${seconds(phase.cpuMs)}.`,
  );
  writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        device,
        date: new Date().toISOString(),
        cpuLimitSeconds: CPU_LIMIT_S,
        phase: { config: PHASE_BENCH, ...phase },
        rows: rows.map((r) => ({
          ...r,
          fusedGflops: gflops(r.width, r.fusedMs),
          tfjsGflops: gflops(r.width, r.tfjsMs),
          naiveGflops: gflops(r.width, r.naiveMs),
          cpuGflops: r.cpuMs === null ? null : gflops(r.width, r.cpuMs),
          speedupOverTfjs: r.tfjsMs / r.fusedMs,
        })),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`Wrote ${RESULTS}`);
}

await main();
