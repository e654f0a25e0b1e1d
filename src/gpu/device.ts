/**
 * The WebGPU device: requested with the largest buffers the adapter allows (a run's own budget, plan.ts, decides what
 * it uses), described for results, and watched for loss so the engine can report it and start over next run. What
 * goes wrong is said in plain words; the browser's internal text stays on the error object, never in its message.
 */

export class GpuUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuUnavailableError';
  }
}

/** The browser took the GPU device away; `reason` keeps the browser's own words for developers, never shown. */
export class DeviceLostError extends Error {
  constructor(readonly reason: string) {
    super(
      'The GPU stopped and the browser reset it: this happens when the GPU runs out of memory or one step runs too long. The next run starts on a new device; if it happens again, lower width, batch or depth, or use the CPU engine.',
    );
    this.name = 'DeviceLostError';
  }
}

/** The GPU reported an error while running; `detail` keeps the browser's own words for developers, never shown. */
export class GpuFailureError extends Error {
  constructor(readonly detail: string) {
    super(
      'The GPU could not carry out this run (the browser reported an error in its GPU work). Lower width, batch or depth, or use the CPU engine; if a small run fails too, reload the page.',
    );
    this.name = 'GpuFailureError';
  }
}

/** No plan of this run fits the memory the GPU gives; the message says what was asked and what to lower. */
export class GpuMemoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuMemoryError';
  }
}

/** What the page and the terminal say beside an emulated adapter's name. */
export const EMULATED_GPU_NOTE =
  'this GPU is emulated on the CPU (a software fallback): correct, but the CPU engine may be as fast';

/** Software adapters: the browser's own fallback flag, or a name of the usual CPU emulations. */
export function isEmulatedAdapter(info: { isFallbackAdapter?: boolean; description: string }): boolean {
  return info.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|software/i.test(info.description);
}

export interface GpuContext {
  device: GPUDevice;
  /** Adapter vendor / architecture, e.g. "google / swiftshader". */
  description: string;
  /** The adapter is a CPU emulation (see isEmulatedAdapter). */
  emulated: boolean;
  /** Resolves with the reason when the device is lost; never rejects. */
  lost: Promise<string>;
  /** The first validation or out-of-memory error the device raised since the last call, if any. */
  takeError(): string | null;
  /** Waits for GPU work, turning device loss and device errors into exceptions. */
  settle<T>(work: Promise<T>): Promise<T>;
}

export async function acquireDevice(powerPreference?: GPUPowerPreference): Promise<GpuContext> {
  if (typeof navigator === 'undefined' || !navigator.gpu) {
    throw new GpuUnavailableError(
      'This browser does not offer WebGPU (navigator.gpu is missing). Use a recent Chrome or Edge, or Firefox/Safari ' +
        'with WebGPU enabled, over https or http://localhost. The CPU engine still works.',
    );
  }
  const adapter = await navigator.gpu.requestAdapter(powerPreference ? { powerPreference } : undefined);
  if (!adapter) {
    throw new GpuUnavailableError(
      'WebGPU is present but no GPU adapter is available (requestAdapter() returned null): the GPU may be blocked ' +
        'or disabled in this browser. The CPU engine still works.',
    );
  }
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  const info = adapter.info;
  const description = [info.vendor, info.architecture, info.device].filter(Boolean).join(' / ') || 'unknown adapter';
  // isFallbackAdapter moved from the adapter to its info in the spec; browsers have either.
  const fallback =
    (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ??
    (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const emulated = isEmulatedAdapter({ isFallbackAdapter: fallback, description });
  const lost = device.lost.then((l) => l.message || l.reason || 'unknown reason');
  let error: string | null = null;
  device.addEventListener('uncapturederror', (e) => {
    error ??= (e as GPUUncapturedErrorEvent).error.message;
  });
  const takeError = () => {
    const first = error;
    error = null;
    return first;
  };
  const settle = async <T>(work: Promise<T>): Promise<T> => {
    const outcome = await Promise.race([work.then((value) => ({ value })), lost.then((reason) => ({ reason }))]);
    if ('reason' in outcome) throw new DeviceLostError(outcome.reason);
    const problem = takeError();
    if (problem) throw new GpuFailureError(problem);
    return outcome.value;
  };
  return { device, description, emulated, lost, takeError, settle };
}

/** A mappable buffer's bytes, copied out: mapped (racing device loss, as every wait does), copied, unmapped. */
export async function mappedBytes(gpu: GpuContext, buffer: GPUBuffer): Promise<ArrayBuffer> {
  await gpu.settle(buffer.mapAsync(GPUMapMode.READ));
  const bytes = buffer.getMappedRange().slice(0);
  buffer.unmap();
  return bytes;
}

/** A buffer's words, through a mappable readback buffer of its size. */
export async function readWords(gpu: GpuContext, source: GPUBuffer, readback: GPUBuffer): Promise<Uint32Array> {
  const encoder = gpu.device.createCommandEncoder();
  encoder.copyBufferToBuffer(source, 0, readback, 0, readback.size);
  gpu.device.queue.submit([encoder.finish()]);
  return new Uint32Array(await mappedBytes(gpu, readback));
}

/** The first `count` float32 values of a buffer, as float64, through a readback buffer made for them. */
export async function readValues(gpu: GpuContext, source: GPUBuffer, count: number): Promise<Float64Array> {
  // Exactly the values asked for: readWords copies the readback's size, and the source may hold no more.
  const readback = gpu.device.createBuffer({
    size: Math.max(4, count * 4),
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    const words = await readWords(gpu, source, readback);
    return Float64Array.from(new Float32Array(words.buffer, 0, count));
  } finally {
    readback.destroy();
  }
}
