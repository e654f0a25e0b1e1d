/**
 * A history entry's one readback: every small state an evaluation reduced on the GPU (the sets' losses and accuracies,
 * each layer's moments, gradient, update and coordinate sizes, a residual block's stream and branch, and the
 * divergence word) copied into one buffer and mapped once, then decoded into the entry training.ts defines.
 */
import type { LayerFactors } from '../lab/parametrization';
import { type Moments, toMoments } from '../lab/stats';
import type { TrainHistoryEntry, TrainLayerRecord } from '../lab/training';
import { type GpuContext, mappedBytes } from './device';
import { BACKWARD_SLOTS, decodeState, FORWARD_SLOTS, STATE } from './layerState';
import { readbackLayout, type SeriesParameters, type TrainBuffers } from './trainBuffers';

/** One series' evaluation states, read back at once as words. */
export async function readEvaluation(
  gpu: GpuContext,
  buffers: TrainBuffers,
  params: SeriesParameters,
  model: { layers: number; blocks: number },
): Promise<Uint32Array> {
  const { layers, blocks } = model;
  const layout = readbackLayout(layers, blocks);
  const encoder = gpu.device.createCommandEncoder();
  const copy = (source: GPUBuffer, word: number, words: number) =>
    encoder.copyBufferToBuffer(source, 0, buffers.readback, 4 * word, 4 * words);
  const states = layers * STATE.words;
  copy(buffers.evalState, layout.pre, states);
  copy(buffers.lossState, layout.losses, 2 * STATE.words);
  copy(buffers.gradStats, layout.grads, states);
  copy(buffers.updateStats, layout.updates, states);
  copy(buffers.coordState, layout.coords, states);
  copy(buffers.deltaState, layout.deltas, states);
  if (blocks) copy(buffers.blockState, layout.blocks, blocks * STATE.words);
  copy(params.diverged, layout.diverged, 1);
  gpu.device.queue.submit([encoder.finish()]);
  return new Uint32Array(await mappedBytes(gpu, buffers.readback));
}

/**
 * The history entry at `step` from one readback, or the update the series diverged at when the GPU marked one. Each
 * layer's gradient is PyTorch's W's: ∂L/∂W = c·∂L/∂W_eff for the W_eff = c·W the GPU holds (its output multiplier):
 * `factors` are those of each layer's reported matrix (architecture.ts's isReported), the readout last.
 */
export function decodeEntry(
  words: Uint32Array,
  step: number,
  model: { layers: number; blocks: number; classification: boolean },
  factors: LayerFactors[],
  coordCheck: boolean,
): TrainHistoryEntry | number {
  const { layers, blocks } = model;
  const layout = readbackLayout(layers, blocks);
  const diverged = words[layout.diverged];
  if (diverged !== 0xffffffff) return diverged;
  const at = (base: number) => words.subarray(base);
  const losses = [0, 1].map((slot) => decodeState(at(layout.losses), slot, FORWARD_SLOTS));
  const [trainLoss, testLoss] = losses.map((l) => toMoments(l.a).mean);
  const accuracy = (slot: number) => (model.classification ? toMoments(losses[slot].b).mean : null);
  const size = (absolute: Moments) => ({ meanAbs: absolute.mean, meanSq: absolute.meanSq });
  return {
    step,
    trainLoss,
    trainAccuracy: accuracy(0),
    testLoss,
    testAccuracy: accuracy(1),
    layers: Array.from({ length: layers }, (_, l) => {
      const pre = decodeState(at(layout.pre), l, FORWARD_SLOTS);
      const grad = decodeState(at(layout.grads), l, BACKWARD_SLOTS);
      const update = decodeState(at(layout.updates), l, FORWARD_SLOTS);
      const coords = decodeState(at(layout.coords), l, FORWARD_SLOTS);
      const before = toMoments(update.b).meanSq;
      const record: TrainLayerRecord = {
        layer: l + 1,
        pre: { ...toMoments(pre.a), meanAbs: toMoments(coords.a).mean },
        post: l < layers - 1 ? size(toMoments(coords.b)) : null,
        weightGrad: { meanSq: factors[l].multiplier ** 2 * toMoments(grad.b).meanSq },
        updateRatio: step === 0 || before === 0 ? null : Math.sqrt(toMoments(update.a).meanSq / before),
        flags: [
          ...pre.flags.filter((f) => f.quantity === 'pre'),
          ...grad.flags.filter((f) => f.quantity === 'weightGrad'),
        ],
      };
      if (l < blocks) {
        const block = decodeState(at(layout.blocks), l, FORWARD_SLOTS);
        record.stream = toMoments(block.b);
        record.branch = toMoments(block.a);
      }
      if (coordCheck) {
        const delta = decodeState(at(layout.deltas), l, FORWARD_SLOTS);
        record.delta = { meanAbs: toMoments(delta.a).mean, meanSq: toMoments(delta.b).meanSq };
      }
      return record;
    }),
  };
}
