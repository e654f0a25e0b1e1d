// Counts one histogram with u32 atomics, by src/lab/histogram.ts's rule over the range histogramRange.wgsl found:
// bin k = min(B − 1, floor((x − lo)·B/(hi − lo))) in f32, −∞ below, +∞ above, NaN apart. Slot layout: B bins, then
// below, above, NaN. When every finite value is the same (lo = hi, or none, with lo > hi), they all go to bin 0 and
// src/gpu/histogramSet.ts moves them to the bin the widened range puts them in.
// Declared in src/gpu/histogramCountKernel.ts.

// Each workgroup counts VALUES_PER_GROUP values into its own copy of the slot when the slot fits LOCAL_SLOTS words,
// then adds its non-zero counts to the global slot: one global atomic per bin and workgroup rather than per value.
const LOCAL_SLOTS: u32 = 512u;
var<workgroup> local: array<atomic<u32>, 512>;

// The slot word of x: its bin, or below/above for ∓∞, or NaN.
fn slotWord(x: f32, lo: f32, hi: f32) -> u32 {
  if (isNaNValue(x)) { return params.bins + 2u; }
  if (!isFiniteValue(x)) { return params.bins + select(1u, 0u, x < 0.0); }
  if (lo < hi) {
    let scale = f32(params.bins) / (hi - lo);
    return min(params.bins - 1u, u32(floor((x - lo) * scale)));
  }
  return 0u;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) thread: u32) {
  let words = params.bins + 3u;
  let inWorkgroup = words <= LOCAL_SLOTS;
  for (var i = thread; i < LOCAL_SLOTS; i += HISTOGRAM_THREADS) { atomicStore(&local[i], 0u); }
  workgroupBarrier();
  let base = params.slot * words;
  let lo = fromOrderedKey(ranges[2u * params.slot]);
  let hi = fromOrderedKey(ranges[2u * params.slot + 1u]);
  let first = group.y * params.gridWidth + group.x * VALUES_PER_GROUP;
  for (var v = 0u; v < VALUES_PER_THREAD; v++) {
    let index = first + v * HISTOGRAM_THREADS + thread;
    if (index < params.count) {
      let word = slotWord(histogramValue(values[index], params.applyPhi, params.activation, params.slope), lo, hi);
      if (inWorkgroup) { atomicAdd(&local[word], 1u); } else { atomicAdd(&counts[base + word], 1u); }
    }
  }
  workgroupBarrier();
  if (inWorkgroup) {
    for (var i = thread; i < words; i += HISTOGRAM_THREADS) {
      let count = atomicLoad(&local[i]);
      if (count != 0u) { atomicAdd(&counts[base + i], count); }
    }
  }
}
