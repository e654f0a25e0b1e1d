// Merges one layer's workgroup partials into its MomentPair (Chan) and sets the exponent k that the next layer divides
// out by `exponentRule`: 0 none (k = 0), 1 choose 2^k ≈ RMS(Z), 2 keep the k already written (chunks after the first
// of a backward run share the first chunk's exponents, so their weight gradients add at one scale).
// One workgroup. Prepended: moments.wgsl.

struct MergeParams {
  partialCount: u32,
  layer: u32,
  exponentRule: u32,
}

@group(0) @binding(0) var<uniform> params: MergeParams;
@group(0) @binding(1) var<storage, read> partials: array<MomentPair>;
@group(0) @binding(2) var<storage, read_write> layerState: array<u32>;

const THREADS: u32 = 256u;
var<workgroup> reduction: array<MomentPair, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) thread: u32) {
  var pre = Moments(0u, 0.0, 0.0);
  var post = Moments(0u, 0.0, 0.0);
  for (var i = thread; i < params.partialCount; i += THREADS) {
    pre = mergeMoments(pre, partials[i].pre);
    post = mergeMoments(post, partials[i].post);
  }
  reduction[thread] = MomentPair(pre, post);
  for (var stride = THREADS / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (thread < stride) { reduction[thread] = mergePairs(reduction[thread], reduction[thread + stride]); }
  }
  workgroupBarrier();
  if (thread == 0u) {
    let total = reduction[0];
    let base = params.layer * LAYER_STATE_WORDS;
    layerState[base + 0u] = total.pre.count;
    layerState[base + 1u] = bitcast<u32>(total.pre.mean);
    layerState[base + 2u] = bitcast<u32>(total.pre.m2);
    layerState[base + 3u] = total.post.count;
    layerState[base + 4u] = bitcast<u32>(total.post.mean);
    layerState[base + 5u] = bitcast<u32>(total.post.m2);
    if (params.exponentRule == EXPONENT_KEEP) { return; }
    var exponent = 0i;
    let meanSq = total.pre.m2 / f32(max(total.pre.count, 1u)) + total.pre.mean * total.pre.mean;
    // Any integer k is exact; rounding log2 only keeps the next layer near 1. A zero or non-finite layer keeps k = 0.
    if (params.exponentRule == EXPONENT_CHOOSE && meanSq > 0.0 && meanSq <= 3.0e38) { exponent = i32(round(0.5 * log2(meanSq))); }
    layerState[base + STATE_EXPONENT] = bitcast<u32>(exponent);
  }
}
