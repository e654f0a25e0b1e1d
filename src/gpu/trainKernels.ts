/**
 * The kernels training uses: the experiment's layer, merge, residual-stream, normalize and backward kernels, the
 * network pass's normalize-backward and scale-add (networkPass.ts), and five of its own.
 */
import { ColumnSumsKernel } from './columnSumsKernel';
import { CoordinatesKernel } from './coordinatesKernel';
import { GatherRowsKernel } from './gatherRowsKernel';
import type { BackwardKernels, Kernels } from './kernels';
import { LossGradientKernel } from './lossGradientKernel';
import type { PassKernels } from './networkPass';
import { NormalizeBackwardKernel } from './normalizeBackwardKernel';
import { OptimizerKernel } from './optimizerKernel';
import { ScaleAddKernel } from './scaleAddKernel';

export interface TrainKernels extends PassKernels {
  gather: GatherRowsKernel;
  loss: LossGradientKernel;
  optimizer: OptimizerKernel;
  coordinates: CoordinatesKernel;
}

export async function compileTrainKernels(
  kernels: Pick<Kernels, 'layer' | 'merge' | 'residualStream' | 'normalize'>,
  backward: BackwardKernels,
  device: GPUDevice,
): Promise<TrainKernels> {
  const [gather, loss, columnSums, optimizer, coordinates, normalizeBackward, scaleAdd] = await Promise.all([
    GatherRowsKernel.create(device),
    LossGradientKernel.create(device),
    ColumnSumsKernel.create(device),
    OptimizerKernel.create(device),
    CoordinatesKernel.create(device),
    NormalizeBackwardKernel.create(device),
    ScaleAddKernel.create(device),
  ]);
  return {
    layer: kernels.layer,
    merge: kernels.merge,
    residualStream: kernels.residualStream,
    normalize: kernels.normalize,
    backwardLayer: backward.backwardLayer,
    weightGradient: backward.weightGradient,
    normalizeBackward,
    scaleAdd,
    gather,
    loss,
    columnSums,
    optimizer,
    coordinates,
  };
}
