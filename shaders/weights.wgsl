// One layer's weights W [fanIn × fanOut], row-major (element = i·fanOut + j), drawn in place on the GPU.
// Prepended: philox.wgsl.

struct WeightParams {
  seed: u32,
  series: u32,
  trial: u32,
  layer: u32,
  count: u32,
  shape: u32,
  // The f32 multiplier of the unit draw (the initializer's scale, or its mantissa when the engine carries the exponent).
  scale: f32,
  // Threads per row of the 2-D dispatch grid, so layers above 65535 workgroups fit.
  gridWidth: u32,
}

@group(0) @binding(0) var<uniform> params: WeightParams;
@group(0) @binding(1) var<storage, read_write> weights: array<f32>;

const WEIGHT_STREAM: u32 = 0u;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let element = id.y * params.gridWidth + id.x;
  if (element >= params.count) { return; }
  let counter = vec4u(element, params.layer, params.trial, params.series);
  weights[element] = params.scale * unitDraw(params.shape, counter, vec2u(params.seed, WEIGHT_STREAM));
}
