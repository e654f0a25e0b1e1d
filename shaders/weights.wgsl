// One block of a layer's weights W [fanIn × fanOut]: rows [rowOffset, rowOffset + count / blockCols) and columns
// [colOffset, colOffset + blockCols), written densely; element = i·fanOut + j of the whole matrix, so a block has
// the same values whichever block holds it. Drawn in place from the Philox stream (src/lab/sampling.ts is the CPU's
// twin). Declared in src/gpu/weightsKernel.ts.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let index = id.y * params.gridWidth + id.x;
  if (index >= params.count) { return; }
  let r = index / params.blockCols;
  let c = index - r * params.blockCols;
  let element = (params.rowOffset + r) * params.fanOut + params.colOffset + c;
  let counter = vec4u(element, params.layer, params.trial, params.series);
  weights[index] = params.scale * unitDraw(params.shape, counter, vec2u(params.seed, WEIGHTS_STREAM));
}
