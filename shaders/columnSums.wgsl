// Column sums of a [rows × cols] buffer: a layer's bias gradient ∂L/∂b = Σ_r δ[r, ·], one thread per column, the rows
// summed in order. Declared in src/gpu/columnSumsKernel.ts.

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let col = id.x;
  if (col >= params.cols) { return; }
  var total = 0.0;
  for (var r = 0u; r < params.rows; r++) { total += values[r * params.cols + col]; }
  sums[col] = total;
}
