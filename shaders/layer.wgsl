// One layer step for a slab of rows and a block of columns: Z = 2^-k·(φ_in(A)·W) + b (b one bias per unit), written out, with the statistics of Z and H = φ(Z)
// fused into the epilogue as one MomentPair per workgroup, and range flags. A holds the previous layer's Z (φ applied
// on load, so H is never stored) or the input X. k is the exponent the merge kernel chose for the previous layer.
// `weights` holds columns [colOffset, colOffset + blockCols) of W, densely; partials are indexed by the tile's place in
// the whole layer, so a layer in column blocks merges exactly as a layer in one.
// Declared in src/gpu/layerKernel.ts.

var<workgroup> reduction: array<MomentPair, 64>;
// Z's flags in slot A's bits, H's in slot B's (src/gpu/layerState.ts).
var<workgroup> workgroupFlags: atomic<u32>;

fn loadA(row: u32, k: u32) -> f32 {
  if (row >= params.rows || k >= params.fanIn) { return 0.0; }
  let a = input[row * params.fanIn + k];
  return select(a, activate(params.activation, a, params.slope), params.activateInput == 1u);
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
  if (params.layer > 0u) {
    exponent = bitcast<i32>(atomicLoad(&layerState[(params.layer - 1u) * STATE_WORDS + STATE_EXPONENT]));
  }
  var pre = Moments(0u, 0.0, 0.0);
  var post = Moments(0u, 0.0, 0.0);
  var flags = 0u;
  for (var i = 0u; i < 8u; i++) {
    let row = rowBase + 8u * local.y + i;
    for (var j = 0u; j < 8u; j++) {
      let col = colBase + 8u * local.x + j;
      if (row < params.rows && col < params.fanOut) {
        // ldexp is exact: the renormalisation changes no bit of the mantissa.
        let z = ldexp(acc[2u * i + j / 4u][j % 4u], -exponent) + biases[col];
        output[row * params.fanOut + col] = z;
        let h = activate(params.activation, z, params.slope);
        pre = pushValue(pre, z);
        post = pushValue(post, h);
        var postFlags = rangeFlags(h);
        if (h == 0.0 && !zeroIsExact(params.activation, z, params.slope)) { postFlags |= FLAG_UNDERFLOW; }
        flags |= rangeFlags(z) | (postFlags << FLAG_BITS);
      }
    }
  }
  reduction[thread] = MomentPair(pre, post);
  if (flags != 0u) { atomicOr(&workgroupFlags, flags); }
  for (var stride = THREADS / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (thread < stride) { reduction[thread] = mergePairs(reduction[thread], reduction[thread + stride]); }
  }
  workgroupBarrier();
  if (thread == 0u) {
    partials[(params.rowOffset / TILE + group.y) * params.tilesX + params.colOffset / TILE + group.x] = reduction[0];
    let all = atomicLoad(&workgroupFlags);
    if (all != 0u) { atomicOr(&layerState[params.layer * STATE_WORDS + STATE_FLAGS], all); }
  }
}
