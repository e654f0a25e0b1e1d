// Σ_j W_ij² for every row i of a [rows × cols] matrix, one thread per row: the weight rows' squared lengths the phase
// diagram's χ₁ weighs each unit by (src/gpu/phaseRun.ts). Declared in src/gpu/rowNormsKernel.ts.

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  if (i >= params.rows) { return; }
  var sum = 0.0;
  for (var j = 0u; j < params.cols; j++) {
    let w = weights[i * params.cols + j];
    sum += w * w;
  }
  norms[i] = sum;
}
