// LayerNorm without affine parameters over each row of a [rows × width] chunk, one thread per row:
// N(v) = (v − μ)/√(s² + ε), μ the row's mean taken first and s² its biased variance about it (two passes, as
// src/lab/normalization.ts). A value of the row float32 does not hold flags slot A (the pre-activations computed from
// N) of state slot `slot`: N of such a row is no measurement. Declared in src/gpu/layerNormKernel.ts.

const NORM_THREADS: u32 = 64u;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let row = id.x + id.y * groups.x * NORM_THREADS;
  if (row >= params.rows) { return; }
  let base = row * params.width;
  let n = f32(params.width);
  var sum = 0.0;
  var flags = 0u;
  for (var k = 0u; k < params.width; k++) {
    let v = values[base + k];
    sum += v;
    flags |= rangeFlags(v);
  }
  let mean = sum / n;
  var squares = 0.0;
  for (var k = 0u; k < params.width; k++) {
    let d = values[base + k] - mean;
    squares += d * d;
  }
  let factor = 1.0 / sqrt(squares / n + params.eps);
  for (var k = 0u; k < params.width; k++) {
    normalized[base + k] = (values[base + k] - mean) * factor;
  }
  if (flags != 0u) { atomicOr(&layerState[params.slot * STATE_WORDS + STATE_FLAGS], flags); }
}
