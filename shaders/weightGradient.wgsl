// ∂L/∂W_l = H_{l−1}ᵀ·δ_l [fanIn × fanOut], summed over the chunk's rows, for a slab of its rows (fanIn), with its
// statistics fused as one Moments partial per 64×64 tile and range flags. H_{l−1} = φ(Z_{l−1}) is applied on load
// from the kept pre-activation (or is the input X). `sum` holds the rows [sumOffset, sumOffset + ...) of ∂L/∂W it
// keeps: a batch split into chunks adds each chunk's product to it; the last chunk's dispatch takes the statistics of
// the total (`add`, `store`, `reduce`: 1 or 0).
// Declared in src/gpu/weightGradientKernel.ts.

// Hᵀ[unit, row] = φ(input[row, unit]).
fn loadA(unit: u32, row: u32) -> f32 {
  if (unit >= params.fanIn || row >= params.rows) { return 0.0; }
  let a = input[row * params.fanIn + unit];
  return select(a, activate(params.activation, a, params.slope), params.activateInput == 1u);
}

fn loadB(row: u32, col: u32) -> f32 {
  if (row >= params.rows || col >= params.fanOut) { return 0.0; }
  return delta[row * params.fanOut + col];
}

@compute @workgroup_size(8, 8)
fn main(@builtin(local_invocation_id) local: vec3u, @builtin(workgroup_id) group: vec3u,
        @builtin(local_invocation_index) thread: u32) {
  let rowBase = params.rowOffset + group.y * TILE;
  let colBase = group.x * TILE;
  let acc = productTile(local, thread, rowBase, colBase, params.rows);

  var moments = Moments(0u, 0.0, 0.0);
  var flags = 0u;
  for (var i = 0u; i < 8u; i++) {
    let row = rowBase + 8u * local.y + i;
    for (var j = 0u; j < 8u; j++) {
      let col = colBase + 8u * local.x + j;
      if (row < params.fanIn && col < params.fanOut) {
        var w = acc[2u * i + j / 4u][j % 4u];
        let kept = (row - params.sumOffset) * params.fanOut + col;
        if (params.add == 1u) { w += sum[kept]; }
        if (params.store == 1u) { sum[kept] = w; }
        // Statistics only where they are taken: a training step's product skips them.
        if (params.reduce == 1u) {
          moments = pushValue(moments, w);
          flags |= rangeFlags(w);
        }
      }
    }
  }
  if (params.reduce == 0u) { return; }
  let total = reduceTile(thread, moments, flags);
  if (thread == 0u) {
    partials[(params.rowOffset / TILE + group.y) * params.tilesX + group.x] = total.moments;
    if (total.flags != 0u) { atomicOr(&gradState[params.layer * STATE_WORDS + STATE_FLAGS], total.flags << FLAG_BITS); }
  }
}
