// The cosines of the pairs of one chunk's pre-activations Z [rows × width] (rows 2k and 2k + 1 form a pair): one
// workgroup per 64-row tile, its 32 pairs in turn, each row pair reduced over the width in a tree; the tile's cosines
// pushed into one Moments (Welford) in partials[tile], which the merge kernel then merges. A pair with an all-zero row
// has no cosine and is left out. Cosines are scale-free, so Z's carried power of two does not matter.
// The float32 twin of src/lab/pairs.ts. Declared in src/gpu/pairCosineKernel.ts.

var<workgroup> sums: array<vec3f, 64>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) thread: u32, @builtin(workgroup_id) group: vec3u) {
  var cosines = Moments(0u, 0.0, 0.0);
  for (var pair = 0u; pair < TILE / 2u; pair++) {
    let a = group.x * TILE + 2u * pair;
    let present = a + 1u < params.rows;
    var sum = vec3f(0.0);
    if (present) {
      for (var c = thread; c < params.width; c += 64u) {
        let za = values[a * params.width + c];
        let zb = values[(a + 1u) * params.width + c];
        sum += vec3f(za * zb, za * za, zb * zb);
      }
    }
    sums[thread] = sum;
    for (var stride = 32u; stride > 0u; stride /= 2u) {
      workgroupBarrier();
      if (thread < stride) { sums[thread] += sums[thread + stride]; }
    }
    workgroupBarrier();
    if (thread == 0u && present) {
      let total = sums[0];
      // Each norm on its own: their product could overflow where neither does.
      if (total.y > 0.0 && total.z > 0.0) { cosines = pushValue(cosines, total.x / (sqrt(total.y) * sqrt(total.z))); }
    }
    // The next pair reuses `sums`.
    workgroupBarrier();
  }
  if (thread == 0u) { partials[group.x] = cosines; }
}
