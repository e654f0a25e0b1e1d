// Merges workgroup partials (Chan's merge), one or two Moments per partial, into words of a state buffer: a forward
// partial holds Z and H (slots A and B of a layer's state), a backward one ∂L/∂Z (slot A) or one block of ∂L/∂W (its
// block state). Unless the rule is EXPONENT_KEEP, the merge of the first Moments also writes the exponent k that the
// next kernel divides out: EXPONENT_NONE writes 0, EXPONENT_CHOOSE picks 2^k ≈ RMS (chunks after the first of a run
// keep the first chunk's exponents, so their weight gradients add at one scale). Of partials of pairs, one half alone
// may be merged (partialStride 2, firstMoment 0 or 1). With `accumulate` the merge adds to the Moments already in the
// state (a trainer's evaluation over chunks). One workgroup.
// Declared in src/gpu/mergeKernel.ts.

const MERGE_THREADS: u32 = 256u;
var<workgroup> reduction: array<Moments, 256>;

// The merge of moment `index` of every partial; every thread must call it (barriers) and gets the total.
fn mergeAll(thread: u32, index: u32) -> Moments {
  var total = Moments(0u, 0.0, 0.0);
  for (var i = thread; i < params.partialCount; i += MERGE_THREADS) {
    let at = (params.partialOffset + i) * params.partialStride + params.firstMoment + index;
    total = mergeMoments(total, partials[at]);
  }
  reduction[thread] = total;
  for (var stride = MERGE_THREADS / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (thread < stride) { reduction[thread] = mergeMoments(reduction[thread], reduction[thread + stride]); }
  }
  workgroupBarrier();
  let merged = reduction[0];
  // The next call reuses `reduction`.
  workgroupBarrier();
  return merged;
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) thread: u32) {
  for (var index = 0u; index < params.momentsPerPartial; index++) {
    let total = mergeAll(thread, index);
    if (thread == 0u) {
      let base = select(params.slotWord, params.secondWord, index == 1u);
      var merged = total;
      if (params.accumulate == 1u) {
        let before = Moments(state[base], bitcast<f32>(state[base + 1u]), bitcast<f32>(state[base + 2u]));
        merged = mergeMoments(before, total);
      }
      state[base + 0u] = merged.count;
      state[base + 1u] = bitcast<u32>(merged.mean);
      state[base + 2u] = bitcast<u32>(merged.m2);
      if (index == 0u && params.exponentRule != EXPONENT_KEEP) {
        var exponent = 0i;
        let meanSq = merged.m2 / f32(max(merged.count, 1u)) + merged.mean * merged.mean;
        // Any integer k is exact; rounding log2 only keeps the next layer near 1. A zero or non-finite layer keeps 0.
        if (params.exponentRule == EXPONENT_CHOOSE && meanSq > 0.0 && meanSq <= 3.0e38) {
          exponent = i32(round(0.5 * log2(meanSq)));
        }
        state[params.exponentWord] = bitcast<u32>(exponent);
      }
    }
  }
}
