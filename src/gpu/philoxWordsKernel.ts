/** Companion of shaders/philoxWords.wgsl: raw Philox words from the GPU, for verifying the stream against the CPU's. */
import philox from '../../shaders/philox.wgsl?raw';
import source from '../../shaders/philoxWords.wgsl?raw';
import type { Words4 } from '../lab/rng';
import { ComputeKernel, packUniforms } from './kernel';
import { SAMPLING_CONSTANTS } from './shapes';

const WORKGROUP = 64;

/** Philox outputs for counters [first + i, c1, c2, c3], i < count, under `key`, as 4 words each. */
export async function philoxWords(
  device: GPUDevice,
  counter: Words4,
  key: [number, number],
  count: number,
): Promise<Uint32Array> {
  const kernel = await ComputeKernel.compile(device, 'philoxWords', SAMPLING_CONSTANTS + philox + source, 32);
  const bytes = count * 16;
  const output = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const readback = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const data = packUniforms([...counter.map((u32) => ({ u32 })), ...key.map((u32) => ({ u32 })), { u32: count }]);
  kernel.dispatch(data, [output], [Math.ceil(count / WORKGROUP), 1], (encoder) =>
    encoder.copyBufferToBuffer(output, 0, readback, 0, bytes),
  );
  await readback.mapAsync(GPUMapMode.READ);
  const words = new Uint32Array(readback.getMappedRange().slice(0));
  for (const b of [readback, output]) b.destroy();
  kernel.destroy();
  return words;
}
