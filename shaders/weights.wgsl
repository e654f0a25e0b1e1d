// One layer's weights W [fanIn × fanOut], row-major (element = i·fanOut + j), drawn in place on the GPU from the
// Philox stream (src/lab/sampling.ts is the CPU's twin). Declared in src/gpu/weightsKernel.ts.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let element = id.y * params.gridWidth + id.x;
  if (element >= params.count) { return; }
  let counter = vec4u(element, params.layer, params.trial, params.series);
  weights[element] = params.scale * unitDraw(params.shape, counter, vec2u(params.seed, WEIGHTS_STREAM));
}
