/** The kernels training uses: the experiment's layer, backward and merge kernels, and five of its own. */
import { ColumnSumsKernel } from './columnSumsKernel';
import { CoordinatesKernel } from './coordinatesKernel';
import { GatherRowsKernel } from './gatherRowsKernel';
import type { BackwardKernels, Kernels } from './kernels';
import { LossGradientKernel } from './lossGradientKernel';
import { OptimizerKernel } from './optimizerKernel';

export interface TrainKernels
  extends Pick<Kernels, 'layer' | 'merge'>,
    Pick<BackwardKernels, 'backwardLayer' | 'weightGradient'> {
  gather: GatherRowsKernel;
  loss: LossGradientKernel;
  columnSums: ColumnSumsKernel;
  optimizer: OptimizerKernel;
  coordinates: CoordinatesKernel;
}

export async function compileTrainKernels(
  kernels: Pick<Kernels, 'layer' | 'merge'>,
  backward: BackwardKernels,
  device: GPUDevice,
): Promise<TrainKernels> {
  const [gather, loss, columnSums, optimizer, coordinates] = await Promise.all([
    GatherRowsKernel.create(device),
    LossGradientKernel.create(device),
    ColumnSumsKernel.create(device),
    OptimizerKernel.create(device),
    CoordinatesKernel.create(device),
  ]);
  return {
    layer: kernels.layer,
    merge: kernels.merge,
    backwardLayer: backward.backwardLayer,
    weightGradient: backward.weightGradient,
    gather,
    loss,
    columnSums,
    optimizer,
    coordinates,
  };
}
