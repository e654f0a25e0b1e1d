/**
 * Every compute kernel is declared once, in its TS companion: its uniforms (name → scalar type, in order), its storage
 * bindings (name → type and access, in order), the WGSL fragments and shared constants it needs, and its own source.
 * From that one declaration this module generates the WGSL `Params` struct and binding declarations, the uniform
 * buffer's size and the packing of each dispatch's values — so no byte offset or binding index is written twice.
 * (WGSL resolves module-scope names in any order, so the generated declarations can follow the fragments.)
 */
import { type Fragment, fragmentCode } from './fragments';

export type UniformType = 'u32' | 'i32' | 'f32';
export interface BindingSpec {
  /** The WGSL type, e.g. 'array<f32>' or 'array<atomic<u32>>'. */
  type: string;
  access: 'read' | 'read_write';
}

export interface KernelSpec<U extends Record<string, UniformType>, B extends Record<string, BindingSpec>> {
  label: string;
  /** The kernel's own WGSL: its helpers and `main`, using `params.<uniform>` and the bindings by name. */
  source: string;
  fragments: readonly Fragment[];
  uniforms: U;
  bindings: B;
}

/** Declares a kernel: the identity, there so that TS infers the uniform and binding names with their literal types. */
export function defineKernel<U extends Record<string, UniformType>, B extends Record<string, BindingSpec>>(
  spec: KernelSpec<U, B>,
): KernelSpec<U, B> {
  return spec;
}

export type KernelOf<S> = S extends KernelSpec<infer U, infer B> ? Kernel<U, B> : never;

export type UniformValues<U> = { [K in keyof U]: number };
export type BindingBuffers<B> = { [K in keyof B]: GPUBuffer };

/** Every uniform is a 4-byte scalar; a uniform buffer's size is a multiple of 16. */
export function uniformBytes(uniforms: Record<string, UniformType>): number {
  return Math.max(16, Math.ceil(Object.keys(uniforms).length / 4) * 16);
}

/** The complete WGSL of a kernel: fragments (with their constants), then the generated declarations, then its source. */
export function kernelCode<U extends Record<string, UniformType>, B extends Record<string, BindingSpec>>(
  spec: KernelSpec<U, B>,
): string {
  const fields = Object.entries(spec.uniforms).map(([name, type]) => `  ${name}: ${type},`);
  const bindings = Object.entries(spec.bindings).map(
    ([name, b], i) => `@group(0) @binding(${i + 1}) var<storage, ${b.access}> ${name}: ${b.type};`,
  );
  return [
    fragmentCode(spec.fragments),
    `// Generated from the ${spec.label} kernel's declaration in src/gpu.`,
    `struct Params {\n${fields.join('\n')}\n}`,
    '@group(0) @binding(0) var<uniform> params: Params;',
    ...bindings,
    spec.source,
  ].join('\n');
}

function packUniforms(uniforms: Record<string, UniformType>, values: Record<string, number>): ArrayBuffer {
  const data = new ArrayBuffer(uniformBytes(uniforms));
  const view = new DataView(data);
  Object.entries(uniforms).forEach(([name, type], i) => {
    const value = values[name];
    if (type === 'f32') view.setFloat32(4 * i, value, true);
    else if (type === 'i32') view.setInt32(4 * i, value, true);
    else view.setUint32(4 * i, value, true);
  });
  return data;
}

async function buildPipeline(device: GPUDevice, label: string, code: string): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({ label, code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) {
    const where = errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ');
    throw new Error(`the ${label} kernel does not compile: ${where}`);
  }
  return device.createComputePipelineAsync({ label, layout: 'auto', compute: { module, entryPoint: 'main' } });
}

/** Workgroups for one thread per element over a 2-D grid (65535 groups per dimension); gridWidth is threads per grid row. */
export function grid(elements: number, workgroupSize: number): { groups: [number, number]; gridWidth: number } {
  const needed = Math.max(1, Math.ceil(elements / workgroupSize));
  const x = Math.min(needed, 65535);
  return { groups: [x, Math.ceil(needed / x)], gridWidth: x * workgroupSize };
}

/** A compiled kernel and its uniform buffer. */
export class Kernel<U extends Record<string, UniformType>, B extends Record<string, BindingSpec>> {
  private constructor(
    readonly device: GPUDevice,
    private readonly spec: KernelSpec<U, B>,
    private readonly pipeline: GPUComputePipeline,
    private readonly uniforms: GPUBuffer,
  ) {}

  static async compile<U extends Record<string, UniformType>, B extends Record<string, BindingSpec>>(
    device: GPUDevice,
    spec: KernelSpec<U, B>,
  ): Promise<Kernel<U, B>> {
    const pipeline = await buildPipeline(device, spec.label, kernelCode(spec));
    const uniforms = device.createBuffer({
      label: `${spec.label} params`,
      size: uniformBytes(spec.uniforms),
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    return new Kernel(device, spec, pipeline, uniforms);
  }

  /**
   * Writes the uniforms and submits one dispatch. Each dispatch goes in its own submit after its writeBuffer, which the
   * queue orders, so one uniform buffer per kernel serves every call. `after` may append copies to the same submit.
   */
  dispatch(
    values: UniformValues<U>,
    buffers: BindingBuffers<B>,
    groups: [number, number],
    after?: (encoder: GPUCommandEncoder) => void,
  ): void {
    const { device } = this;
    device.queue.writeBuffer(this.uniforms, 0, packUniforms(this.spec.uniforms, values));
    const storage = Object.keys(this.spec.bindings).map((name) => buffers[name as keyof B]);
    const bindGroup = device.createBindGroup({
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [this.uniforms, ...storage].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups[0], groups[1]);
    pass.end();
    after?.(encoder);
    device.queue.submit([encoder.finish()]);
  }

  destroy(): void {
    this.uniforms.destroy();
  }
}
