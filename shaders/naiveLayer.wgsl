// The benchmark's naive baseline: one thread per output, Z = φ_in(A)·W + b read straight from global memory, no
// tiling, no statistics. Prepended: activation.wgsl.

struct NaiveParams {
  rows: u32,
  fanIn: u32,
  fanOut: u32,
  activation: u32,
  bias: f32,
  slope: f32,
}

@group(0) @binding(0) var<uniform> params: NaiveParams;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let col = id.x;
  let row = id.y;
  if (row >= params.rows || col >= params.fanOut) { return; }
  var acc = 0.0;
  for (var k = 0u; k < params.fanIn; k++) {
    acc += activate(params.activation, input[row * params.fanIn + k], params.slope) * weights[k * params.fanOut + col];
  }
  output[row * params.fanOut + col] = acc + params.bias;
}
