// One optimizer update of a parameter buffer (shaders/lib/optimizerUpdate.wgsl), measured: each workgroup's partial
// holds the Moments of the change Δp and of p before it, so the update's ‖Δp‖ and ‖p‖ are merged like any statistic.
// Declared in src/gpu/optimizerKernel.ts.

const OPTIMIZER_THREADS: u32 = 256u;
var<workgroup> reduction: array<MomentPair, 256>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(workgroup_id) group: vec3u,
        @builtin(local_invocation_index) thread: u32) {
  let i = id.y * params.gridWidth + id.x;
  var pair = MomentPair(Moments(0u, 0.0, 0.0), Moments(0u, 0.0, 0.0));
  if (i < params.count) {
    let p = updateParameter(i);
    pair = MomentPair(pushValue(Moments(0u, 0.0, 0.0), p.y - p.x), pushValue(Moments(0u, 0.0, 0.0), p.x));
  }
  reduction[thread] = pair;
  for (var stride = OPTIMIZER_THREADS / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (thread < stride) { reduction[thread] = mergePairs(reduction[thread], reduction[thread + stride]); }
  }
  workgroupBarrier();
  if (thread == 0u) { partials[group.y * params.groupsX + group.x] = reduction[0]; }
}
