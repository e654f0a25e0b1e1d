/** What every kernel companion shares: compiling WGSL into a pipeline, and one dispatch with its own uniforms. */

async function buildPipeline(device: GPUDevice, label: string, code: string): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({ label, code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) {
    throw new Error(
      `${label}.wgsl does not compile: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`,
    );
  }
  return device.createComputePipelineAsync({ label, layout: 'auto', compute: { module, entryPoint: 'main' } });
}

/** Uniform words: u32 and f32 values packed in declaration order (every field is 4 bytes). */
export function packUniforms(fields: { u32?: number; f32?: number; i32?: number }[]): ArrayBuffer {
  const data = new ArrayBuffer(Math.max(16, Math.ceil(fields.length / 4) * 16));
  const view = new DataView(data);
  fields.forEach((f, i) => {
    if (f.f32 !== undefined) view.setFloat32(4 * i, f.f32, true);
    else if (f.i32 !== undefined) view.setInt32(4 * i, f.i32, true);
    else view.setUint32(4 * i, f.u32!, true);
  });
  return data;
}

/** Workgroups for one thread per element over a 2-D grid (65535 groups per dimension); gridWidth is threads per grid row. */
export function grid(elements: number, workgroupSize: number): { groups: [number, number]; gridWidth: number } {
  const needed = Math.max(1, Math.ceil(elements / workgroupSize));
  const x = Math.min(needed, 65535);
  return { groups: [x, Math.ceil(needed / x)], gridWidth: x * workgroupSize };
}

/**
 * Writes the uniforms and submits one dispatch. Each dispatch goes in its own submit after its writeBuffer, which the
 * queue orders, so one uniform buffer per kernel serves every call. `after` may append copies to the same submit.
 */
function dispatch(
  device: GPUDevice,
  pipeline: GPUComputePipeline,
  uniforms: GPUBuffer,
  data: ArrayBuffer,
  buffers: GPUBuffer[],
  groups: [number, number],
  after?: (encoder: GPUCommandEncoder) => void,
): void {
  device.queue.writeBuffer(uniforms, 0, data);
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [uniforms, ...buffers].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(groups[0], groups[1]);
  pass.end();
  after?.(encoder);
  device.queue.submit([encoder.finish()]);
}

function uniformBuffer(device: GPUDevice, label: string, bytes: number): GPUBuffer {
  return device.createBuffer({ label, size: bytes, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
}

/** A compiled kernel and its uniform buffer: what each companion in src/gpu holds. */
export class ComputeKernel {
  private constructor(
    readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    private readonly uniforms: GPUBuffer,
  ) {}

  static async compile(device: GPUDevice, label: string, code: string, uniformBytes: number): Promise<ComputeKernel> {
    return new ComputeKernel(
      device,
      await buildPipeline(device, label, code),
      uniformBuffer(device, `${label} params`, uniformBytes),
    );
  }

  /** Writes the uniforms and submits one dispatch (see `dispatch`). */
  dispatch(
    data: ArrayBuffer,
    buffers: GPUBuffer[],
    groups: [number, number],
    after?: (encoder: GPUCommandEncoder) => void,
  ): void {
    dispatch(this.device, this.pipeline, this.uniforms, data, buffers, groups, after);
  }

  destroy(): void {
    this.uniforms.destroy();
  }
}
