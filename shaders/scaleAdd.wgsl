// out = a·x, or out + a·x with `accumulate`, over a [rows × width] buffer (a gradient scaled by α, a residual
// stream's gradient summed), with the statistics of out as one Moments partial per 64×64 tile and their range flags
// in slot A's bits of state slot `slot`. Declared in src/gpu/scaleAddKernel.ts.

@compute @workgroup_size(8, 8)
fn main(@builtin(local_invocation_id) local: vec3u, @builtin(workgroup_id) tile: vec3u,
        @builtin(local_invocation_index) thread: u32) {
  let rowBase = tile.y * TILE;
  let colBase = tile.x * TILE;
  var moments = Moments(0u, 0.0, 0.0);
  var flags = 0u;
  for (var i = 0u; i < 8u; i++) {
    let row = rowBase + 8u * local.y + i;
    for (var j = 0u; j < 8u; j++) {
      let col = colBase + 8u * local.x + j;
      if (row < params.rows && col < params.width) {
        let index = row * params.width + col;
        let scaled = params.factor * values[index];
        // a·x rounding to 0 from an x that is not 0 is an underflow, not a zero.
        if (scaled == 0.0 && values[index] != 0.0 && params.factor != 0.0) { flags |= FLAG_UNDERFLOW; }
        var v = scaled;
        if (params.accumulate == 1u) { v += output[index]; }
        output[index] = v;
        moments = pushValue(moments, v);
        flags |= rangeFlags(v);
      }
    }
  }
  let total = reduceTile(thread, moments, flags);
  if (thread == 0u) {
    partials[tile.y * params.tilesX + tile.x] = total.moments;
    if (total.flags != 0u) { atomicOr(&layerState[params.slot * STATE_WORDS + STATE_FLAGS], total.flags); }
  }
}
