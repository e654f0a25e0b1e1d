// N(v) = (v − μ)·r, r = 1/√(s² + ε), over each group of a row-major [rows × width] buffer, one thread per group: a row
// (LayerNorm) or a column (BatchNorm), found by strides. μ is taken first and the biased s² about it (two passes, as
// src/lab/normalization.ts). Writes N and the input's range flags into slot A's bits of state slot `slot`
// (src/gpu/layerState.ts); with `record` also r and one MomentPair of (N, φ(N)) per group, and φ(N)'s flags in slot
// B's bits.
// Declared in src/gpu/normalizeKernel.ts.

const NORM_THREADS: u32 = 64u;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) dispatched: vec3u) {
  let index = id.x + id.y * dispatched.x * NORM_THREADS;
  if (index >= params.groupCount) { return; }
  let base = index * params.groupStride;
  let n = f32(params.memberCount);
  var sum = 0.0;
  var flags = 0u;
  for (var k = 0u; k < params.memberCount; k++) {
    let v = values[base + k * params.memberStride];
    sum += v;
    flags |= rangeFlags(v);
  }
  let mean = sum / n;
  var squares = 0.0;
  for (var k = 0u; k < params.memberCount; k++) {
    let d = values[base + k * params.memberStride] - mean;
    squares += d * d;
  }
  let factor = 1.0 / sqrt(squares / n + params.eps);
  var pair = MomentPair(Moments(0u, 0.0, 0.0), Moments(0u, 0.0, 0.0));
  var postFlags = 0u;
  for (var k = 0u; k < params.memberCount; k++) {
    let e = base + k * params.memberStride;
    let y = (values[e] - mean) * factor;
    normalized[e] = y;
    let h = activate(params.activation, y, params.slope);
    pair = MomentPair(pushValue(pair.pre, y), pushValue(pair.post, h));
    postFlags |= rangeFlags(h);
    if (h == 0.0 && !zeroIsExact(params.activation, y, params.slope)) { postFlags |= FLAG_UNDERFLOW; }
  }
  if (params.record == 1u) {
    factors[index] = factor;
    partials[index] = pair;
  }
  if (params.record == 1u) { flags |= postFlags << FLAG_BITS; }
  if (flags != 0u) { atomicOr(&layerState[params.slot * STATE_WORDS + STATE_FLAGS], flags); }
}
