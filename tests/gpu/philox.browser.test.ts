import { afterAll, describe, expect, it } from 'vitest';
import { acquireDevice } from '../../src/gpu/device';
import { WeightsKernel } from '../../src/gpu/weightsKernel';
import { philox4x32, Stream, type Words4 } from '../../src/lab/rng';
import { sampleWeights } from '../../src/lab/sampling';
import { philoxWords } from './philoxWordsKernel';

const gpu = await acquireDevice();
afterAll(() => gpu.device.destroy());

/** The GPU's weights for one layer at unit scale, read back. */
async function gpuWeights(
  shape: 'normal' | 'uniform' | 'truncated-normal',
  fanIn: number,
  fanOut: number,
): Promise<Float32Array> {
  const { device } = gpu;
  const kernel = await WeightsKernel.create(device);
  const bytes = fanIn * fanOut * 4;
  const target = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const readback = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const block = { rowOffset: 0, rows: fanIn, colOffset: 0, cols: fanOut };
  kernel.draw(target, { seed: 7, series: 2, trial: 1, layer: 3, fanOut, block, shape, scale: 1 });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(target, 0, readback, 0, bytes);
  device.queue.submit([encoder.finish()]);
  await readback.mapAsync(GPUMapMode.READ);
  const values = new Float32Array(readback.getMappedRange().slice(0));
  readback.destroy();
  target.destroy();
  return values;
}

const cpuWeights = (shape: 'normal' | 'uniform' | 'truncated-normal', fanIn: number, fanOut: number) =>
  sampleWeights({ shape, scale: 1 }, { seed: 7, series: 2, trial: 1, layer: 3 }, fanIn, fanOut);

describe('WGSL Philox and sampling', () => {
  it('the WGSL Philox stream equals the CPU stream bit for bit on 4096 counters per address', async () => {
    const cases: { counter: Words4; key: [number, number] }[] = [
      { counter: [0, 0, 0, 0], key: [0, 0] },
      { counter: [0xfffff800, 0xffffffff, 0xffffffff, 0xffffffff], key: [0xffffffff, 0xffffffff] },
      { counter: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], key: [0xa4093822, 0x299f31d0] },
      { counter: [123456, 8, 0, 4 + 65536 * 3], key: [1, Stream.weights] },
    ];
    for (const { counter, key } of cases) {
      const words = await philoxWords(gpu.device, counter, key, 4096);
      const expected = new Uint32Array(4096 * 4);
      for (let i = 0; i < 4096; i++)
        expected.set(philox4x32([(counter[0] + i) >>> 0, counter[1], counter[2], counter[3]], key), 4 * i);
      expect(words).toEqual(expected);
    }
  });

  it('a block of rows and columns of a weight matrix holds exactly those elements of the whole matrix', async () => {
    const { device } = gpu;
    const kernel = await WeightsKernel.create(device);
    const block = { rowOffset: 40, rows: 24, colOffset: 64, cols: 70 };
    const bytes = block.rows * block.cols * 4;
    const target = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const readback = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    kernel.draw(target, { seed: 7, series: 2, trial: 1, layer: 3, fanOut: 150, block, shape: 'uniform', scale: 1 });
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(target, 0, readback, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const values = Array.from(new Float32Array(readback.getMappedRange().slice(0)));
    readback.destroy();
    target.destroy();
    const whole = Float32Array.from(cpuWeights('uniform', 64, 150));
    const expected = Array.from({ length: block.rows * block.cols }, (_, e) => {
      const [r, c] = [Math.floor(e / block.cols), e % block.cols];
      return whole[(block.rowOffset + r) * 150 + block.colOffset + c];
    });
    expect(values).toEqual(expected);
  });

  it('uniform weights equal the CPU draws exactly', async () => {
    const gpuValues = await gpuWeights('uniform', 64, 64);
    expect(Array.from(gpuValues)).toEqual(Array.from(Float32Array.from(cpuWeights('uniform', 64, 64))));
  });

  it('normal weights (accurate log and cos in WGSL) match float64 Box–Muller within 1e-6 relative', async () => {
    // f32 rounds to 6e-8 relative; log, sqrt, cos and the product each add a few ulps: 1e-6 is about 8 ulps.
    const NORMAL_RELATIVE = 1e-6;
    const gpuValues = await gpuWeights('normal', 256, 256);
    const cpuValues = cpuWeights('normal', 256, 256);
    let worst = 0;
    cpuValues.forEach((x, i) => {
      worst = Math.max(worst, Math.abs(gpuValues[i] - x) / Math.abs(x));
    });
    expect(worst).toBeLessThan(NORMAL_RELATIVE);
  });

  it('truncated-normal weights redraw at the same attempts as the CPU and stay within ±2', async () => {
    const NORMAL_RELATIVE = 1e-6; // as for the normal draws: one accepted attempt is one Box–Muller draw
    const gpuValues = await gpuWeights('truncated-normal', 128, 128);
    const cpuValues = cpuWeights('truncated-normal', 128, 128);
    cpuValues.forEach((x, i) => {
      expect(Math.abs(gpuValues[i] - x)).toBeLessThanOrEqual(NORMAL_RELATIVE * Math.abs(x));
    });
    expect(Math.max(...gpuValues.map(Math.abs))).toBeLessThanOrEqual(2);
  });
});
