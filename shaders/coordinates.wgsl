// The coordinate check's sizes of one layer's values over some rows, each thread striding over the elements (few
// workgroups: a workgroup's reduction costs more than its loads, most of all on an emulated GPU): Moments of |Z| and of
// |φ(Z)| (their mean is mean |x|, mup's l1; mean² + variance is the mean square) as one MomentPair partial per
// workgroup; with `delta`, Moments of |Z − Z₀| and of Z − Z₀ (Z₀: the initial network's Z on the same rows) as a
// second. The readout has no φ: `activated` 0 measures Z twice. Declared in src/gpu/coordinatesKernel.ts.

const COORDINATE_THREADS: u32 = 256u;
var<workgroup> reduction: array<MomentPair, 256>;

fn reduceGroup(thread: u32, pair: MomentPair) -> MomentPair {
  reduction[thread] = pair;
  for (var stride = COORDINATE_THREADS / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (thread < stride) { reduction[thread] = mergePairs(reduction[thread], reduction[thread + stride]); }
  }
  workgroupBarrier();
  let total = reduction[0];
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) thread: u32) {
  let empty = Moments(0u, 0.0, 0.0);
  var sizes = MomentPair(empty, empty);
  var change = MomentPair(empty, empty);
  let stride = params.groups * COORDINATE_THREADS;
  for (var i = group.x * COORDINATE_THREADS + thread; i < params.count; i += stride) {
    let z = values[i];
    let h = select(z, activate(params.activationId, z, params.slope), params.activated == 1u);
    sizes = MomentPair(pushValue(sizes.pre, abs(z)), pushValue(sizes.post, abs(h)));
    if (params.delta == 1u) {
      let d = z - initial[i];
      change = MomentPair(pushValue(change.pre, abs(d)), pushValue(change.post, d));
    }
  }
  let total = reduceGroup(thread, sizes);
  if (thread == 0u) { partials[group.x] = total; }
  if (params.delta == 0u) { return; }
  let totalChange = reduceGroup(thread, change);
  if (thread == 0u) { deltaPartials[group.x] = totalChange; }
}
