// Counts one histogram with u32 atomics, by src/lab/histogram.ts's rule over the range histogramRange.wgsl found:
// bin k = min(B − 1, floor((x − lo)·B/(hi − lo))) in f32, −∞ below, +∞ above, NaN apart. Slot layout: B bins, then
// below, above, NaN. When every finite value is the same (lo = hi, or none, with lo > hi), they all go to bin 0 and
// src/gpu/histogramKernels.ts moves them to the bin the widened range puts them in.
// Prepended: activation.wgsl, histogramValue.wgsl.

struct CountParams {
  count: u32,
  activation: u32,
  applyPhi: u32,
  slot: u32,
  slope: f32,
  gridWidth: u32,
  bins: u32,
}

@group(0) @binding(0) var<uniform> params: CountParams;
@group(0) @binding(1) var<storage, read> values: array<f32>;
@group(0) @binding(2) var<storage, read> ranges: array<u32>;
@group(0) @binding(3) var<storage, read_write> counts: array<atomic<u32>>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let index = id.y * params.gridWidth + id.x;
  if (index >= params.count) { return; }
  let x = histogramValue(values[index], params.applyPhi, params.activation, params.slope);
  let base = params.slot * (params.bins + 3u);
  if (isNaNValue(x)) {
    atomicAdd(&counts[base + params.bins + 2u], 1u);
    return;
  }
  if (!isFiniteValue(x)) {
    atomicAdd(&counts[base + params.bins + select(1u, 0u, x < 0.0)], 1u);
    return;
  }
  let lo = fromOrderedKey(ranges[2u * params.slot]);
  let hi = fromOrderedKey(ranges[2u * params.slot + 1u]);
  var bin = 0u;
  if (lo < hi) {
    let scale = f32(params.bins) / (hi - lo);
    bin = min(params.bins - 1u, u32(floor((x - lo) * scale)));
  }
  atomicAdd(&counts[base + bin], 1u);
}
