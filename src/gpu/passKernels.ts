/**
 * The kernels a NetworkPass composes: the engine's layer, merge and backward kernels (kernels.ts), compiled once for
 * every path, and the pass's own, compiled here on its first network.
 */
import type { BackwardLayerKernel } from './backwardLayerKernel';
import { ColumnSumsKernel } from './columnSumsKernel';
import type { LayerKernel } from './layerKernel';
import type { MergeKernel } from './mergeKernel';
import { NormalizeBackwardKernel } from './normalizeBackwardKernel';
import { NormalizeKernel } from './normalizeKernel';
import { ResidualStreamKernel } from './residualStreamKernel';
import { ScaleAddKernel } from './scaleAddKernel';
import type { WeightGradientKernel } from './weightGradientKernel';

/** The engine's kernels the pass shares. */
export interface SharedPassKernels {
  layer: LayerKernel;
  merge: MergeKernel;
  backwardLayer: BackwardLayerKernel;
  weightGradient: WeightGradientKernel;
}

export interface PassKernels extends SharedPassKernels {
  residualStream: ResidualStreamKernel;
  normalize: NormalizeKernel;
  normalizeBackward: NormalizeBackwardKernel;
  scaleAdd: ScaleAddKernel;
  /** Only used when gradients are kept (∂L/∂b). */
  columnSums: ColumnSumsKernel;
}

export async function compilePassKernels(device: GPUDevice, shared: SharedPassKernels): Promise<PassKernels> {
  const [residualStream, normalize, normalizeBackward, scaleAdd, columnSums] = await Promise.all([
    ResidualStreamKernel.create(device),
    NormalizeKernel.create(device),
    NormalizeBackwardKernel.create(device),
    ScaleAddKernel.create(device),
    ColumnSumsKernel.create(device),
  ]);
  return { ...shared, residualStream, normalize, normalizeBackward, scaleAdd, columnSums };
}
