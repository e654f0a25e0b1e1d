// One optimizer update of a parameter buffer, element by element, with PyTorch's conventions (torch.optim):
// SGD: buf = g at the first step, else μ·buf + g; p −= lr·(g + μ·buf) with Nesterov, else lr·buf (μ = 0: lr·g).
// Adam: m = β₁m + (1 − β₁)g; v = β₂v + (1 − β₂)g²; p −= (lr / c₁)·m / (√v / √c₂ + ε), c_i = 1 − β_i^t.
// Each thread strides over the elements (geometry.ts's stridedGroups). With `measure`, each workgroup's partial holds
// the Moments of the change Δp and of p before it, so the update's ‖Δp‖ and ‖p‖ are merged like any statistic. A
// non-finite new value records the step in `diverged`.
// Declared in src/gpu/optimizerKernel.ts.

const OPTIMIZER_THREADS: u32 = 256u;
const SGD: u32 = 0u;
var<workgroup> reduction: array<MomentPair, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) thread: u32) {
  var pair = MomentPair(Moments(0u, 0.0, 0.0), Moments(0u, 0.0, 0.0));
  let stride = params.groups * OPTIMIZER_THREADS;
  for (var i = group.x * OPTIMIZER_THREADS + thread; i < params.count; i += stride) {
    let g = grads[i];
    let before = values[i];
    var after = before;
    if (params.kind == SGD) {
      var direction = g;
      if (params.momentum != 0.0) {
        let buffer = select(params.momentum * first[i] + g, g, params.firstStep == 1u);
        first[i] = buffer;
        direction = select(buffer, g + params.momentum * buffer, params.nesterov == 1u);
      }
      after = before - params.lr * direction;
    } else {
      let m = params.beta1 * first[i] + (1.0 - params.beta1) * g;
      let v = params.beta2 * second[i] + (1.0 - params.beta2) * g * g;
      first[i] = m;
      second[i] = v;
      after = before - params.stepSize * m / (sqrt(v) / params.rootCorrection2 + params.eps);
    }
    values[i] = after;
    if ((bitcast<u32>(after) & 0x7F800000u) == 0x7F800000u) { atomicMin(&diverged[0], params.step); }
    if (params.measure == 1u) {
      pair = MomentPair(pushValue(pair.pre, after - before), pushValue(pair.post, before));
    }
  }
  if (params.measure == 0u) { return; }
  reduction[thread] = pair;
  for (var s = OPTIMIZER_THREADS / 2u; s > 0u; s /= 2u) {
    workgroupBarrier();
    if (thread < s) { reduction[thread] = mergePairs(reduction[thread], reduction[thread + s]); }
  }
  workgroupBarrier();
  if (thread == 0u) { partials[group.x] = reduction[0]; }
}
