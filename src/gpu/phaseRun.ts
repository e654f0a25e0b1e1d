/**
 * The phase diagram on the GPU (src/lab/phase.ts): every grid point's network at once. All networks read one unit
 * weight matrix per layer and one set of unit biases, so a layer of the whole grid is one tall product — the rows of
 * every network stacked, each scaled by its own σ_w/√n_in and biased by its σ_b (phaseLayerKernel.ts) — instead of
 * thousands of small ones. The networks go in groups whose activations fit the memory budget. After the last layer a
 * statistics kernel reduces each network to five floats (phaseStatsKernel.ts), finished here in float64.
 */
import { activations } from '../lab/activations';
import { layerBiases } from '../lab/bias';
import { type ExperimentConfig, inputWidth, pairsInput } from '../lab/config';
import { type Progress, throwIfAborted } from '../lab/engine';
import { averageTrials, type PhaseMeasurement, phasePoints } from '../lab/phase';
import { formatBytes } from '../lab/work';
import { type GpuContext, GpuMemoryError } from './device';
import { FIGURES_PER_NETWORK } from './geometry';
import type { Pace } from './job';
import type { Kernels } from './kernels';
import type { MemoryBudget } from './plan';
import { slabRows } from './plan';

const F32 = 4;
const { STORAGE, COPY_SRC, COPY_DST, MAP_READ } = GPUBufferUsage;

/** Networks per group: two activation buffers of theirs within one buffer's budget, and every network in one. */
export function phaseGroup(config: ExperimentConfig, budget: MemoryBudget): number {
  const rows = pairsInput(config)!.batch;
  const fit = Math.floor(budget.buffer / (F32 * rows * config.width));
  return Math.max(1, Math.min(phasePoints(config).length, fit));
}

/** GPU memory of a phase run in bytes: two activation buffers, X, Ŵ, b̂, the σ's, the row norms and the figures. */
export function phaseBytes(config: ExperimentConfig, budget: MemoryBudget): number {
  const group = phaseGroup(config, budget);
  const rows = pairsInput(config)!.batch;
  const n = config.width;
  const widest = Math.max(inputWidth(config), n);
  return (
    F32 * (2 * group * rows * n + rows * inputWidth(config) + rows + widest * n + 2 * n + 2 * group) +
    2 * F32 * FIGURES_PER_NETWORK * group
  );
}

export interface PhaseHooks {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export async function runPhaseOnGpu(
  gpu: GpuContext,
  kernels: Kernels,
  pace: Pace,
  config: ExperimentConfig,
  budget: MemoryBudget,
  hooks: PhaseHooks,
): Promise<PhaseMeasurement[]> {
  const phase = kernels.phase!;
  const { device } = gpu;
  const points = phasePoints(config);
  const rows = pairsInput(config)!.batch;
  const { width: n, depth, seed, slope } = config;
  const n0 = inputWidth(config);
  const activationId = activations[config.activation].id;
  const group = phaseGroup(config, budget);
  const all: GPUBuffer[] = [];
  device.pushErrorScope('out-of-memory');
  const make = (label: string, size: number, usage: number) => {
    const buffer = device.createBuffer({ label, size: Math.max(16, size), usage });
    all.push(buffer);
    return buffer;
  };
  const acts = [0, 1].map((i) => make(`phase Z ${i}`, F32 * group * rows * n, STORAGE));
  const input = make('phase X', F32 * rows * n0, STORAGE | COPY_DST);
  const rowList = make('phase rows', F32 * rows, STORAGE | COPY_DST);
  const weights = make('phase Ŵ', F32 * Math.max(n0, n) * n, STORAGE | COPY_DST);
  const biases = make('phase b̂', F32 * n, STORAGE | COPY_DST);
  const networks = make('phase σ', 2 * F32 * group, STORAGE | COPY_DST);
  const norms = make('phase row norms', F32 * n, STORAGE);
  const figures = make('phase figures', F32 * FIGURES_PER_NETWORK * group, STORAGE | COPY_SRC);
  const readback = make('phase figures readback', F32 * FIGURES_PER_NETWORK * group, MAP_READ | COPY_DST);
  if (await device.popErrorScope()) {
    for (const buffer of all) buffer.destroy();
    throw new GpuMemoryError(
      `The GPU could not give this phase diagram its ${formatBytes(phaseBytes(config, budget))}: lower the width or the batch, or use the CPU engine.`,
    );
  }
  device.queue.writeBuffer(
    rowList,
    0,
    Uint32Array.from({ length: rows }, (_, r) => r),
  );

  const perTrial: PhaseMeasurement[][] = points.map(() => []);
  const groups = Math.ceil(points.length / group);
  const total = config.trials * groups * depth;
  let done = 0;
  try {
    for (let trial = 0; trial < config.trials; trial++) {
      kernels.inputs.draw(input, rowList, { seed, trial, rowCount: rows, input: pairsInput(config)! });
      for (let first = 0; first < points.length; first += group) {
        const members = points.slice(first, first + group);
        device.queue.writeBuffer(networks, 0, Float32Array.from(members.flatMap((p) => [p.sigmaW, p.sigmaB])));
        const stacked = members.length * rows;
        for (let layer = 1; layer <= depth; layer++) {
          throwIfAborted(hooks.signal);
          const started = performance.now();
          const fanIn = layer === 1 ? n0 : n;
          const block = { rowOffset: 0, rows: fanIn, colOffset: 0, cols: n };
          const draw = { seed, series: 0, trial, layer, fanOut: n, block, shape: 'normal', scale: 1 } as const;
          kernels.weights.draw(weights, draw);
          const unitBiases = layerBiases({ kind: 'normal', sigma: 1 }, seed, trial, layer, n);
          device.queue.writeBuffer(biases, 0, Float32Array.from(unitBiases));
          const step = {
            rows: stacked,
            fanIn,
            fanOut: n,
            rowsPerNetwork: rows,
            sharedInput: layer === 1,
            activationId,
            slope,
          };
          const bound = {
            input: layer === 1 ? input : acts[(layer - 1) % 2],
            weights,
            biases,
            networks,
            output: acts[layer % 2],
          };
          const slab = slabRows(stacked, fanIn, n, pace.macsPerMs, pace.sliceMs);
          for (let offset = 0; offset < stacked; offset += slab) {
            phase.layer.slab(bound, step, offset, Math.min(slab, stacked - offset));
          }
          await gpu.settle(device.queue.onSubmittedWorkDone());
          const elapsed = performance.now() - started;
          if (elapsed > 10) pace.macsPerMs = (stacked * fanIn * n) / elapsed;
          hooks.onProgress?.({ done: ++done, total, series: 0, trial, layer });
        }
        phase.rowNorms.measure(weights, norms, n, n);
        const last = { last: acts[depth % 2], previous: acts[(depth - 1) % 2], norms, figures };
        phase.stats.measure(last, members.length, { width: n, rowsPerNetwork: rows, activationId, slope }, (encoder) =>
          encoder.copyBufferToBuffer(figures, 0, readback, 0, readback.size),
        );
        await gpu.settle(readback.mapAsync(GPUMapMode.READ));
        const values = new Float32Array(readback.getMappedRange().slice(0));
        readback.unmap();
        members.forEach(({ sigmaW }, k) => {
          const [largest, meanSquare, cosines, pairs, stretch] = values.subarray(
            k * FIGURES_PER_NETWORK,
            (k + 1) * FIGURES_PER_NETWORK,
          );
          // A largest |z| beyond float32 leaves nothing to scale by: those figures are not held.
          const held = Number.isFinite(largest);
          perTrial[first + k].push({
            qLast: held ? largest ** 2 * meanSquare : null,
            chi1: Number.isFinite(stretch) ? (sigmaW ** 2 * stretch) / (n * n) : null,
            correlation: held && pairs > 0 ? cosines / pairs : null,
          });
        });
      }
    }
  } finally {
    for (const buffer of all) buffer.destroy();
  }
  return perTrial.map(averageTrials);
}
