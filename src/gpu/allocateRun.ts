/**
 * A run's plan and buffers on a device: cut to the memory budget (plan.ts), then allocated, halving the budget and
 * cutting again while the device cannot back what it allowed.
 */

import { bindActivation } from '../lab/activations';
import { type ExperimentConfig, inputWidth, pairsInput } from '../lab/config';
import type { ResolvedOptions } from '../lab/engine';
import type { GpuPlanSummary } from '../lab/results';
import { formatBytes } from '../lab/work';
import { type GpuContext, GpuMemoryError } from './device';
import { networkOf } from './networkPass';
import { type MemoryBudget, type PlanCaps, PlanError, planRun, type RunLayout } from './plan';
import { RunBuffers } from './runBuffers';
import { largestBuffer } from './runShape';

/** How a run is cut to a budget (see plan.ts). */
export function runLayout(
  config: ExperimentConfig,
  resolved: ResolvedOptions,
  budget: MemoryBudget,
  caps: PlanCaps,
): RunLayout {
  return planRun(
    {
      rows: resolved.rows,
      inputWidth: inputWidth(config),
      width: config.width,
      depth: config.depth,
      captureCount: resolved.captureRows.length,
      backward: resolved.backward,
      histograms: resolved.histogramBins !== undefined,
      pairs: pairsInput(config) !== null,
      jacobian: resolved.jacobian,
      architecture: networkOf(config, bindActivation(config.activation, config), inputWidth(config)) ?? undefined,
    },
    budget,
    caps,
  );
}

/**
 * The run's plan and its buffers. When the device cannot back them (an out-of-memory error), the budget halves and the
 * run is cut again into smaller blocks and chunks; when even the smallest cut fails, the error says so in words.
 */
export async function allocateRun(
  gpu: GpuContext,
  config: ExperimentConfig,
  resolved: ResolvedOptions,
  asked: MemoryBudget,
  caps: PlanCaps & { backableBytes?: number },
): Promise<{ layout: RunLayout; buffers: RunBuffers; plan: GpuPlanSummary }> {
  let retries = 0;
  for (let budget = asked; ; budget = { buffer: budget.buffer / 2, total: budget.total / 2 }, retries++) {
    let layout: RunLayout;
    try {
      layout = runLayout(config, resolved, budget, caps);
    } catch (e) {
      if (!(e instanceof PlanError)) throw e;
      throw new GpuMemoryError(
        budget === asked
          ? `This run does not fit the GPU memory it may use: ${e.message}. Lower width, batch or depth, turn off the backward pass, or use the CPU engine.`
          : `The GPU could not give this run its memory: it refused buffers down to ${formatBytes(2 * budget.buffer)} (of ${formatBytes(asked.buffer)} asked), and smaller ones no longer fit the run (${e.message}). Lower width, batch or depth, or use the CPU engine.`,
      );
    }
    const fits = caps.backableBytes === undefined || largestBuffer(layout.shape) <= caps.backableBytes;
    const buffers = fits ? await RunBuffers.allocate(gpu.device, layout.shape) : null;
    if (buffers) {
      const { chunks, chunkRows, forwardColumns, unitBlock, passes } = layout.shape;
      const largest = largestBuffer(layout.shape);
      const plan = {
        bufferBudget: budget.buffer,
        retries,
        largestBuffer: largest,
        chunks,
        chunkRows,
        forwardColumns,
        unitBlock,
        passes,
      };
      return { layout, buffers, plan };
    }
  }
}
