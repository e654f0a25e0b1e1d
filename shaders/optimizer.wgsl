// One optimizer update of a parameter buffer (shaders/lib/optimizerUpdate.wgsl), one thread per element, measuring
// nothing: no workgroup memory or barrier, which a CPU-emulated GPU runs far slower even when they are skipped. The
// measured update is optimizerMeasured.wgsl. Declared in src/gpu/optimizerKernel.ts.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.y * params.gridWidth + id.x;
  if (i < params.count) { updateParameter(i); }
}
