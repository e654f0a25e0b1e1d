// Random input rows for one chunk: X[r, c] for the batch rows listed in `rows`, element = row·n0 + c of the whole
// batch, so a row has the same values whichever chunk computes it. Pairs: an odd row mixes the draw of the row above
// (its partner) with its own, as src/lab/sampling.ts does. Declared in src/gpu/inputsKernel.ts.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let index = id.y * params.gridWidth + id.x;
  if (index >= params.rowCount * params.width) { return; }
  let r = index / params.width;
  let c = index - r * params.width;
  // u32 arithmetic wraps like the CPU's `>>> 0` on the counter word.
  let element = rows[r] * params.width + c;
  // Inputs are shared by every series (series word 0) and use layer word 0.
  let key = vec2u(params.seed, INPUT_STREAM);
  let own = unitDraw(params.shape, vec4u(element, 0u, params.trial, 0u), key);
  if (params.pairs == 1u && (rows[r] & 1u) == 1u) {
    let partner = unitDraw(params.shape, vec4u(element - params.width, 0u, params.trial, 0u), key);
    inputs[index] = params.correlation * partner + params.complement * own;
  } else {
    inputs[index] = own;
  }
}
