// One layer of the Jacobian's tangent rows for a slab of rows and a block of columns (src/gpu/jacobianPass.ts):
// T_l = 2^-k·((T_{l−1} ⊙ φ′(z_{l−1}))·W_l), φ′ applied on load from the input row's pre-activations z_{l−1} (row
// `referenceRow` of the layer's input buffer), the identity standing in for T_0 at layer 1; with the statistics of T_l
// as one Moments per 64×64 tile, from which the merge kernel chooses the next k. T is linear in itself, so the powers
// of two are carried exactly whatever φ and the bias are. Declared in src/gpu/tangentKernel.ts.

fn loadA(row: u32, k: u32) -> f32 {
  if (row >= params.rows || k >= params.fanIn) { return 0.0; }
  if (params.layer == 0u) { return select(0.0, 1.0, row == k); }
  let slope = derivative(params.activation, reference[params.referenceRow * params.fanIn + k], params.slope);
  return tangentIn[row * params.fanIn + k] * slope;
}

fn loadB(k: u32, col: u32) -> f32 {
  let c = col - params.colOffset;
  if (k >= params.fanIn || col >= params.fanOut || c >= params.blockCols) { return 0.0; }
  return weights[k * params.blockCols + c];
}

@compute @workgroup_size(8, 8)
fn main(@builtin(local_invocation_id) local: vec3u, @builtin(workgroup_id) group: vec3u,
        @builtin(local_invocation_index) thread: u32) {
  let rowBase = params.rowOffset + group.y * TILE;
  let colBase = params.colOffset + group.x * TILE;
  let acc = productTile(local, thread, rowBase, colBase, params.fanIn);

  var exponent = 0i;
  if (params.layer > 0u) { exponent = bitcast<i32>(tangentState[(params.layer - 1u) * STATE_WORDS + STATE_EXPONENT]); }
  var moments = Moments(0u, 0.0, 0.0);
  for (var i = 0u; i < 8u; i++) {
    let row = rowBase + 8u * local.y + i;
    for (var j = 0u; j < 8u; j++) {
      let col = colBase + 8u * local.x + j;
      if (row < params.rows && col < params.fanOut) {
        // ldexp is exact: the renormalisation changes no bit of the mantissa.
        let t = ldexp(acc[2u * i + j / 4u][j % 4u], -exponent);
        tangentOut[row * params.fanOut + col] = t;
        moments = pushValue(moments, t);
      }
    }
  }
  let total = reduceTile(thread, moments, 0u);
  if (thread == 0u) {
    partials[(params.rowOffset / TILE + group.y) * params.tilesX + params.colOffset / TILE + group.x] = total.moments;
  }
}
