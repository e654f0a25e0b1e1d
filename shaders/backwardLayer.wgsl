// One backward step for a slab of rows: δ_{l−1} = (2^-j·(δ_l·W_lᵀ)) ⊙ φ'(Z_{l−1}), written out, with its statistics
// fused as one Moments partial per 64×64 tile and range flags. j is the exponent the merge chose for δ_l; Z_{l−1} is
// the pre-activation the forward pass kept. `weights` holds rows [unitOffset, unitOffset + blockUnits) of W_l
// [fanIn × fanOut], densely, read transposed in place: the step computes those units (columns) of δ_{l−1}.
// Declared in src/gpu/backwardLayerKernel.ts.

fn loadA(row: u32, k: u32) -> f32 {
  if (row >= params.rows || k >= params.fanOut) { return 0.0; }
  return upstream[row * params.fanOut + k];
}

// Wᵀ[k, col] = W[col, k], from the block of rows the weights buffer holds.
fn loadB(k: u32, col: u32) -> f32 {
  let unit = col - params.unitOffset;
  if (k >= params.fanOut || col >= params.fanIn || unit >= params.blockUnits) { return 0.0; }
  return weights[unit * params.fanOut + k];
}

@compute @workgroup_size(8, 8)
fn main(@builtin(local_invocation_id) local: vec3u, @builtin(workgroup_id) group: vec3u,
        @builtin(local_invocation_index) thread: u32) {
  let rowBase = params.rowOffset + group.y * TILE;
  let colBase = params.unitOffset + group.x * TILE;
  let acc = productTile(local, thread, rowBase, colBase, params.fanOut);

  let exponent = bitcast<i32>(atomicLoad(&gradState[params.layer * STATE_WORDS + STATE_EXPONENT]));
  var moments = Moments(0u, 0.0, 0.0);
  var flags = 0u;
  for (var i = 0u; i < 8u; i++) {
    let row = rowBase + 8u * local.y + i;
    for (var j = 0u; j < 8u; j++) {
      let col = colBase + 8u * local.x + j;
      if (row < params.rows && col < params.fanIn) {
        let index = row * params.fanIn + col;
        let z = pre[index];
        let slope = derivative(params.activation, z, params.slope);
        // ldexp is exact: the renormalisation changes no bit of the mantissa.
        let g = ldexp(acc[2u * i + j / 4u][j % 4u], -exponent);
        let d = g * slope;
        delta[index] = d;
        moments = pushValue(moments, d);
        flags |= rangeFlags(d);
        if (d == 0.0 && g != 0.0 && !(slope == 0.0 && derivativeZeroIsExact(params.activation, z, params.slope))) {
          flags |= FLAG_UNDERFLOW;
        }
      }
    }
  }
  let total = reduceTile(thread, moments, flags);
  if (thread == 0u) {
    partials[(params.rowOffset / TILE + group.y) * params.tilesX + params.unitOffset / TILE + group.x] = total.moments;
    if (total.flags != 0u) { atomicOr(&gradState[(params.layer - 1u) * STATE_WORDS + STATE_FLAGS], total.flags); }
  }
}
