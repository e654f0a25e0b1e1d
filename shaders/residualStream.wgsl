// A residual block's stream update over a chunk: branch = α·y and x ← x + branch, in place, with the statistics of
// the branch (first of each pair) and of the new stream (second) as one MomentPair per 64×64 tile, and range flags,
// slot A's bits for the branch and slot B's for the stream (src/gpu/layerState.ts).
// Declared in src/gpu/residualStreamKernel.ts.

const UPDATE_THREADS: u32 = 64u;
var<workgroup> reduction: array<MomentPair, UPDATE_THREADS>;
var<workgroup> workgroupFlags: atomic<u32>;

@compute @workgroup_size(8, 8)
fn main(@builtin(local_invocation_id) local: vec3u, @builtin(workgroup_id) group: vec3u,
        @builtin(local_invocation_index) thread: u32) {
  let rowBase = group.y * TILE;
  let colBase = group.x * TILE;
  var branchMoments = Moments(0u, 0.0, 0.0);
  var streamMoments = Moments(0u, 0.0, 0.0);
  var flags = 0u;
  for (var i = 0u; i < 8u; i++) {
    let row = rowBase + 8u * local.y + i;
    for (var j = 0u; j < 8u; j++) {
      let col = colBase + 8u * local.x + j;
      if (row < params.rows && col < params.width) {
        let index = row * params.width + col;
        let scaled = params.alpha * branchOut[index];
        let next = stream[index] + scaled;
        stream[index] = next;
        branchMoments = pushValue(branchMoments, scaled);
        streamMoments = pushValue(streamMoments, next);
        var branchFlags = rangeFlags(scaled);
        // α·y rounding to 0 from a y that is not 0 is an underflow, not a zero.
        if (scaled == 0.0 && branchOut[index] != 0.0 && params.alpha != 0.0) { branchFlags |= FLAG_UNDERFLOW; }
        flags |= branchFlags | (rangeFlags(next) << FLAG_BITS);
      }
    }
  }
  reduction[thread] = MomentPair(branchMoments, streamMoments);
  if (flags != 0u) { atomicOr(&workgroupFlags, flags); }
  for (var stride = UPDATE_THREADS / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (thread < stride) { reduction[thread] = mergePairs(reduction[thread], reduction[thread + stride]); }
  }
  workgroupBarrier();
  if (thread == 0u) {
    partials[group.y * params.tilesX + group.x] = reduction[0];
    let all = atomicLoad(&workgroupFlags);
    if (all != 0u) { atomicOr(&layerState[params.slot * STATE_WORDS + STATE_FLAGS], all); }
  }
}
