// The top of the backward pass for one chunk: δ_L = g_L ⊙ φ'(Z_L), with g_L = ∂L/∂H_L ~ N(0, 1) drawn from the
// Philox stream at element = batchRow·width + j, layer = depth, series word 0 (src/cpu/backward.ts), and the
// statistics of δ_L fused as one Moments partial per 64×64 tile, like the layer kernels'. φ' of a homogeneous φ does
// not see the power of two Z_L carries, so δ_L is at its true scale (exponent 0).
// Declared in src/gpu/outputGradientKernel.ts.

@compute @workgroup_size(8, 8)
fn main(@builtin(local_invocation_id) local: vec3u, @builtin(workgroup_id) group: vec3u,
        @builtin(local_invocation_index) thread: u32) {
  var moments = Moments(0u, 0.0, 0.0);
  var flags = 0u;
  for (var i = 0u; i < 8u; i++) {
    let row = group.y * TILE + 8u * local.y + i;
    for (var j = 0u; j < 8u; j++) {
      let col = group.x * TILE + 8u * local.x + j;
      if (row < params.rows && col < params.width) {
        let index = row * params.width + col;
        // u32 arithmetic wraps like the CPU's `>>> 0` on the counter word.
        let w = philox(vec4u(batchRows[row] * params.width + col, params.depth, params.trial, 0u),
                       vec2u(params.seed, OUTPUT_GRADIENT_STREAM));
        let z = pre[index];
        let slope = derivative(params.activation, z, params.slope);
        let d = standardNormal(w.x, w.y) * slope;
        delta[index] = d;
        moments = pushValue(moments, d);
        flags |= rangeFlags(d);
        if (slope == 0.0 && !derivativeZeroIsExact(params.activation, z, params.slope)) { flags |= FLAG_UNDERFLOW; }
      }
    }
  }
  let total = reduceTile(thread, moments, flags);
  if (thread == 0u) {
    partials[group.y * params.tilesX + group.x] = total.moments;
    if (total.flags != 0u) { atomicOr(&gradState[(params.depth - 1u) * STATE_WORDS + STATE_FLAGS], total.flags); }
  }
}
