/** The kernels a NetworkPass composes, compiled together. */
import { BackwardLayerKernel } from './backwardLayerKernel';
import { ColumnSumsKernel } from './columnSumsKernel';
import { LayerKernel } from './layerKernel';
import { MergeKernel } from './mergeKernel';
import { NormalizeBackwardKernel } from './normalizeBackwardKernel';
import { NormalizeKernel } from './normalizeKernel';
import { ResidualStreamKernel } from './residualStreamKernel';
import { ScaleAddKernel } from './scaleAddKernel';
import { WeightGradientKernel } from './weightGradientKernel';

export interface PassKernels {
  layer: LayerKernel;
  merge: MergeKernel;
  residualStream: ResidualStreamKernel;
  normalize: NormalizeKernel;
  normalizeBackward: NormalizeBackwardKernel;
  scaleAdd: ScaleAddKernel;
  backwardLayer: BackwardLayerKernel;
  weightGradient: WeightGradientKernel;
  /** Only used when gradients are kept (∂L/∂b). */
  columnSums: ColumnSumsKernel;
}

export async function compilePassKernels(device: GPUDevice): Promise<PassKernels> {
  const [
    layer,
    merge,
    residualStream,
    normalize,
    normalizeBackward,
    scaleAdd,
    backwardLayer,
    weightGradient,
    columnSums,
  ] = await Promise.all([
    LayerKernel.create(device),
    MergeKernel.create(device),
    ResidualStreamKernel.create(device),
    NormalizeKernel.create(device),
    NormalizeBackwardKernel.create(device),
    ScaleAddKernel.create(device),
    BackwardLayerKernel.create(device),
    WeightGradientKernel.create(device),
    ColumnSumsKernel.create(device),
  ]);
  return {
    layer,
    merge,
    residualStream,
    normalize,
    normalizeBackward,
    scaleAdd,
    backwardLayer,
    weightGradient,
    columnSums,
  };
}
