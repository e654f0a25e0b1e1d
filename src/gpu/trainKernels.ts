/**
 * The kernels training uses: the network pass's (networkPass.ts: layer, merge, backward and normalization kernels)
 * and four of its own.
 */
import { CoordinatesKernel } from './coordinatesKernel';
import { GatherRowsKernel } from './gatherRowsKernel';
import { LossGradientKernel } from './lossGradientKernel';
import { OptimizerKernel } from './optimizerKernel';
import type { PassKernels } from './passKernels';

export interface TrainKernels extends PassKernels {
  gather: GatherRowsKernel;
  loss: LossGradientKernel;
  optimizer: OptimizerKernel;
  coordinates: CoordinatesKernel;
}

export async function compileTrainKernels(pass: PassKernels, device: GPUDevice): Promise<TrainKernels> {
  const [gather, loss, optimizer, coordinates] = await Promise.all([
    GatherRowsKernel.create(device),
    LossGradientKernel.create(device),
    OptimizerKernel.create(device),
    CoordinatesKernel.create(device),
  ]);
  return { ...pass, gather, loss, optimizer, coordinates };
}
