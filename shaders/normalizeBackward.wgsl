// The backward of N over each group (a row or a column, by strides, as shaders/normalize.wgsl), one thread per group:
// with y = N(v), r its factor and g = ∂L/∂y, ∂L/∂v = r·(g − mean(g) − y·mean(g·y)) (src/lab/normalization.ts),
// written to `output` or, with `accumulate`, added to what it holds (a residual stream's gradient), with one Moments
// partial per group of the values written and their range flags in slot A's bits of state slot `slot`.
// Declared in src/gpu/normalizeBackwardKernel.ts.

const NORM_THREADS: u32 = 64u;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) dispatched: vec3u) {
  let index = id.x + id.y * dispatched.x * NORM_THREADS;
  if (index >= params.groupCount) { return; }
  let base = index * params.groupStride;
  let n = f32(params.memberCount);
  var sum = 0.0;
  var projection = 0.0;
  for (var k = 0u; k < params.memberCount; k++) {
    let e = base + k * params.memberStride;
    sum += gradient[e];
    projection += gradient[e] * normalized[e];
  }
  let mean = sum / n;
  let along = projection / n;
  let factor = factors[index];
  var moments = Moments(0u, 0.0, 0.0);
  var flags = 0u;
  for (var k = 0u; k < params.memberCount; k++) {
    let e = base + k * params.memberStride;
    var d = factor * (gradient[e] - mean - normalized[e] * along);
    if (params.accumulate == 1u) { d += output[e]; }
    output[e] = d;
    moments = pushValue(moments, d);
    flags |= rangeFlags(d);
  }
  partials[index] = moments;
  if (flags != 0u) { atomicOr(&layerState[params.slot * STATE_WORDS + STATE_FLAGS], flags); }
}
