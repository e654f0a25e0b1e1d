/**
 * The phase-diagram table: the lab's large GPU sweep, a 32 × 32 grid of tanh networks, on the GPU engine every
 * network at once, one network at a time (extrapolated), and on the CPU reference.
 */
import type { Page } from 'playwright';
import { CpuEngine } from '../src/cpu/cpuEngine';
import { type ExperimentConfig, parseConfig } from '../src/lab/config';
import { phasePoints, phaseWork } from '../src/lab/phase';
import type { PhaseTiming } from './host/phaseTimings';

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

export interface PhaseTable {
  networks: number;
  macs: number;
  gpuMs: number;
  gpuOneAtATimeMs: number;
  cpuMs: number;
  device: string;
}

/** The phase-diagram sweep on the GPU (in the page) and on the CPU reference (here), after a small warm-up on each. */
export async function measurePhaseTable(page: Page): Promise<PhaseTable> {
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

export function printPhaseTable(phase: PhaseTable): void {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(
    `\nPhase diagram (tanh, 32 × 32 grid, ${phase.networks} networks of 20 layers of 128, 16 rows each, ${phase.macs.toExponential(2)} multiply–adds): GPU, every network at once, ${seconds(phase.gpuMs)} (${(phase.macs / phase.gpuMs / 1e6).toFixed(2)} G multiply–adds/s); GPU one network at a time ${seconds(phase.gpuOneAtATimeMs)} (extrapolated from 16); CPU f64 ${seconds(phase.cpuMs)}.`,
  );
}

/** The table as bench/results.json keeps it, with the config it timed. */
export const phaseResults = (phase: PhaseTable) => ({ config: PHASE_BENCH, ...phase });
