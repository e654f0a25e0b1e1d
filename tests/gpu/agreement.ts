/** Runs a config on both engines and returns the comparison, with a readable message for failures. */
import { CpuEngine } from '../../src/cpu/cpuEngine';
import type { GpuEngine } from '../../src/gpu/gpuEngine';
import { type Comparison, compareRuns } from '../../src/lab/compare';
import { type ExperimentConfig, parseConfig } from '../../src/lab/config';
import type { RunOptions } from '../../src/lab/engine';

/**
 * 1e-4, the bar. Small nets accumulate f32 rounding of ~1e-7 per sum of a few hundred terms, times depth;
 * the worst seen in these tests is ~1e-5 (depth 50), well inside it.
 */
export const AGREEMENT = { statistic: 1e-4, activation: 1e-4 };

export function config(raw: object): ExperimentConfig {
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error(`test config invalid: ${JSON.stringify(parsed.errors)}`);
  return parsed.config;
}

export async function agreement(
  gpuEngine: GpuEngine,
  c: ExperimentConfig,
  options: RunOptions = {},
): Promise<{ comparison: Comparison; message: string }> {
  const cpu = await new CpuEngine().run(c, options);
  const gpu = await gpuEngine.run(c, options);
  const comparison = compareRuns(cpu, gpu, AGREEMENT);
  const failed = comparison.layers.filter((l) => !l.pass).slice(0, 3);
  return { comparison, message: JSON.stringify({ worst: comparison.worst, failed }) };
}
