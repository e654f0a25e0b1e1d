/**
 * The engine's compiled kernels: the forward ones at start, the backward ones on a run's first backward pass, the
 * tangent kernel on its first Jacobian, the phase diagram's on its first phase diagram.
 */
import { BackwardLayerKernel } from './backwardLayerKernel';
import { HistogramCountKernel } from './histogramCountKernel';
import { HistogramRangeKernel } from './histogramRangeKernel';
import { InputsKernel } from './inputsKernel';
import { LayerKernel } from './layerKernel';
import { MergeKernel } from './mergeKernel';
import { OutputGradientKernel } from './outputGradientKernel';
import { PairCosineKernel } from './pairCosineKernel';
import { compilePassKernels, type PassKernels } from './passKernels';
import { PhaseLayerKernel } from './phaseLayerKernel';
import { PhaseStatsKernel } from './phaseStatsKernel';
import { RowNormsKernel } from './rowNormsKernel';
import { TangentKernel } from './tangentKernel';
import { WeightGradientKernel } from './weightGradientKernel';
import { WeightsKernel } from './weightsKernel';

export interface BackwardKernels {
  outputGradient: OutputGradientKernel;
  backwardLayer: BackwardLayerKernel;
  weightGradient: WeightGradientKernel;
}

export interface Kernels {
  weights: WeightsKernel;
  inputs: InputsKernel;
  layer: LayerKernel;
  merge: MergeKernel;
  histogramRange: HistogramRangeKernel;
  histogramCount: HistogramCountKernel;
  pairCosine: PairCosineKernel;
  /** Null until a run of a network other than the plain MLP (networkChunk.ts). */
  pass: PassKernels | null;
  /** Null until a run goes backward: compiling them costs about as much as the forward kernels. */
  backward: BackwardKernels | null;
  /** Null until a run takes a Jacobian. */
  tangent: TangentKernel | null;
  /** Null until a run draws a phase diagram. */
  phase: PhaseKernels | null;
}

export interface PhaseKernels {
  layer: PhaseLayerKernel;
  stats: PhaseStatsKernel;
  rowNorms: RowNormsKernel;
}

export async function compileKernels(device: GPUDevice): Promise<Kernels> {
  const [weights, inputs, layer, merge, histogramRange, histogramCount, pairCosine] = await Promise.all([
    WeightsKernel.create(device),
    InputsKernel.create(device),
    LayerKernel.create(device),
    MergeKernel.create(device),
    HistogramRangeKernel.create(device),
    HistogramCountKernel.create(device),
    PairCosineKernel.create(device),
  ]);
  return {
    weights,
    inputs,
    layer,
    merge,
    histogramRange,
    histogramCount,
    pairCosine,
    pass: null,
    backward: null,
    tangent: null,
    phase: null,
  };
}

export async function compileBackwardKernels(device: GPUDevice): Promise<BackwardKernels> {
  const [outputGradient, backwardLayer, weightGradient] = await Promise.all([
    OutputGradientKernel.create(device),
    BackwardLayerKernel.create(device),
    WeightGradientKernel.create(device),
  ]);
  return { outputGradient, backwardLayer, weightGradient };
}

/**
 * The network pass's kernels, compiled on the first network other than the plain MLP: its own, with the engine's
 * layer and merge kernels and its backward ones (compiled here if no run went backward yet), never a second copy.
 */
export async function passKernels(device: GPUDevice, kernels: Kernels): Promise<PassKernels> {
  kernels.backward ??= await compileBackwardKernels(device);
  const { backwardLayer, weightGradient } = kernels.backward;
  kernels.pass ??= await compilePassKernels(device, {
    layer: kernels.layer,
    merge: kernels.merge,
    backwardLayer,
    weightGradient,
  });
  return kernels.pass;
}

export const compileTangentKernel = (device: GPUDevice): Promise<TangentKernel> => TangentKernel.create(device);

export async function compilePhaseKernels(device: GPUDevice): Promise<PhaseKernels> {
  const [layer, stats, rowNorms] = await Promise.all([
    PhaseLayerKernel.create(device),
    PhaseStatsKernel.create(device),
    RowNormsKernel.create(device),
  ]);
  return { layer, stats, rowNorms };
}
