// One layer of every network of a phase diagram at once (src/gpu/phaseRun.ts), for a slab of rows: network g owns rows
// [g·rowsPerNetwork, (g + 1)·rowsPerNetwork), and Z = (σ_w(g)/√n_in)·(A·Ŵ) + σ_b(g)·b̂, one unit weight matrix Ŵ and
// one set of unit biases b̂ for all of them. A is φ of the previous layer's Z (applied on load), or at layer 1 the
// shared input X, whose row r mod rowsPerNetwork row r reads. Declared in src/gpu/phaseLayerKernel.ts.

fn loadA(row: u32, k: u32) -> f32 {
  if (row >= params.rows || k >= params.fanIn) { return 0.0; }
  if (params.sharedInput == 1u) { return input[(row % params.rowsPerNetwork) * params.fanIn + k]; }
  return activate(params.activation, input[row * params.fanIn + k], params.slope);
}

fn loadB(k: u32, col: u32) -> f32 {
  if (k >= params.fanIn || col >= params.fanOut) { return 0.0; }
  return weights[k * params.fanOut + col];
}

@compute @workgroup_size(8, 8)
fn main(@builtin(local_invocation_id) local: vec3u, @builtin(workgroup_id) group: vec3u,
        @builtin(local_invocation_index) thread: u32) {
  let rowBase = params.rowOffset + group.y * TILE;
  let colBase = group.x * TILE;
  let acc = productTile(local, thread, rowBase, colBase, params.fanIn);
  for (var i = 0u; i < 8u; i++) {
    let row = rowBase + 8u * local.y + i;
    if (row >= params.rows) { continue; }
    let sigmas = networks[row / params.rowsPerNetwork];
    for (var j = 0u; j < 8u; j++) {
      let col = colBase + 8u * local.x + j;
      if (col < params.fanOut) {
        output[row * params.fanOut + col] =
          sigmas.x * params.inverseSqrtFanIn * acc[2u * i + j / 4u][j % 4u] + sigmas.y * biases[col];
      }
    }
  }
}
