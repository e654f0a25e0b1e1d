// Copies chosen rows of a dataset into a dense buffer: gathered[r, c] = source[indices[first + r], c], the minibatch
// of a training step (its rows listed by src/lab/minibatches.ts). Words are copied as bits, so the same kernel gathers
// f32 inputs and targets and u32 class labels.
// Declared in src/gpu/gatherRowsKernel.ts.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let index = id.y * params.gridWidth + id.x;
  if (index >= params.rows * params.width) { return; }
  let r = index / params.width;
  let c = index - r * params.width;
  gathered[index] = source[indices[params.first + r] * params.width + c];
}
