/** Companion of tests/gpu/shaders/philoxWords.wgsl: raw Philox words from the GPU, to check the stream against the CPU's. */
import { FRAGMENTS } from '../../src/gpu/fragments';
import { defineKernel, Kernel } from '../../src/gpu/kernel';
import type { Words4 } from '../../src/lab/rng';
import source from './shaders/philoxWords.wgsl?raw';

const WORKGROUP = 64;

const spec = defineKernel({
  label: 'philoxWords',
  source,
  fragments: [FRAGMENTS.philox],
  uniforms: {
    counter0: 'u32',
    counter1: 'u32',
    counter2: 'u32',
    counter3: 'u32',
    key0: 'u32',
    key1: 'u32',
    count: 'u32',
  },
  bindings: { words: { type: 'array<vec4u>', access: 'read_write' } },
});

/** Philox outputs for counters [first + i, c1, c2, c3], i < count, under `key`, as 4 words each. */
export async function philoxWords(
  device: GPUDevice,
  counter: Words4,
  key: [number, number],
  count: number,
): Promise<Uint32Array> {
  const kernel = await Kernel.compile(device, spec);
  const bytes = count * 16;
  const output = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const readback = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const [counter0, counter1, counter2, counter3] = counter;
  const [key0, key1] = key;
  kernel.dispatch(
    { counter0, counter1, counter2, counter3, key0, key1, count },
    { words: output },
    [Math.ceil(count / WORKGROUP), 1],
    (encoder) => encoder.copyBufferToBuffer(output, 0, readback, 0, bytes),
  );
  await readback.mapAsync(GPUMapMode.READ);
  const words = new Uint32Array(readback.getMappedRange().slice(0));
  for (const b of [readback, output]) b.destroy();
  kernel.destroy();
  return words;
}
