// Merges one layer's workgroup partials of ∂L/∂Z (slot 0) or ∂L/∂W (slot 1) into the backward state (Chan), and for
// ∂L/∂Z sets the exponent j with 2^j ≈ RMS that the layer below divides out, by the rule merge.wgsl describes.
// One workgroup. Prepended: moments.wgsl, gradState.wgsl.

struct GradMergeParams {
  partialCount: u32,
  layer: u32,
  slot: u32,
  exponentRule: u32,
}

@group(0) @binding(0) var<uniform> params: GradMergeParams;
@group(0) @binding(1) var<storage, read> partials: array<Moments>;
@group(0) @binding(2) var<storage, read_write> gradState: array<u32>;

const MERGE_THREADS: u32 = 256u;
var<workgroup> reduction: array<Moments, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) thread: u32) {
  var total = Moments(0u, 0.0, 0.0);
  for (var i = thread; i < params.partialCount; i += MERGE_THREADS) {
    total = mergeMoments(total, partials[i]);
  }
  reduction[thread] = total;
  for (var stride = MERGE_THREADS / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (thread < stride) {
      reduction[thread] = mergeMoments(reduction[thread], reduction[thread + stride]);
    }
  }
  workgroupBarrier();
  if (thread == 0u) {
    let merged = reduction[0];
    let base = params.layer * GRAD_STATE_WORDS + params.slot * GRAD_SLOT_WORDS;
    gradState[base + 0u] = merged.count;
    gradState[base + 1u] = bitcast<u32>(merged.mean);
    gradState[base + 2u] = bitcast<u32>(merged.m2);
    if (params.slot != 0u || params.exponentRule == EXPONENT_KEEP) { return; }
    var exponent = 0i;
    let meanSq = merged.m2 / f32(max(merged.count, 1u)) + merged.mean * merged.mean;
    // As in merge.wgsl: any integer j is exact, rounding only keeps the layer below near 1.
    if (params.exponentRule == EXPONENT_CHOOSE && meanSq > 0.0 && meanSq <= 3.0e38) { exponent = i32(round(0.5 * log2(meanSq))); }
    gradState[base + GRAD_EXPONENT] = bitcast<u32>(exponent);
  }
}
