// The range of one histogram: min and max of the finite values of a buffer (or of φ of them), folded into its slot of
// `ranges` with u32 atomics on an order-preserving encoding of f32 (src/gpu/histogramKernels.ts decodes it).
// One thread per value, one global atomic pair per workgroup. Prepended: activation.wgsl, histogramValue.wgsl.

struct RangeParams {
  count: u32,
  activation: u32,
  // 1: take φ of each value (H from Z), 0: the value itself.
  applyPhi: u32,
  slot: u32,
  slope: f32,
  // Threads per row of the 2-D dispatch grid.
  gridWidth: u32,
}

@group(0) @binding(0) var<uniform> params: RangeParams;
@group(0) @binding(1) var<storage, read> values: array<f32>;
@group(0) @binding(2) var<storage, read_write> ranges: array<atomic<u32>>;

var<workgroup> lowest: atomic<u32>;
var<workgroup> highest: atomic<u32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(local_invocation_index) thread: u32) {
  if (thread == 0u) {
    atomicStore(&lowest, 0xFFFFFFFFu);
    atomicStore(&highest, 0u);
  }
  workgroupBarrier();
  let index = id.y * params.gridWidth + id.x;
  if (index < params.count) {
    let x = histogramValue(values[index], params.applyPhi, params.activation, params.slope);
    if (isFiniteValue(x)) {
      atomicMin(&lowest, orderedKey(x));
      atomicMax(&highest, orderedKey(x));
    }
  }
  workgroupBarrier();
  if (thread == 0u) {
    atomicMin(&ranges[2u * params.slot], atomicLoad(&lowest));
    atomicMax(&ranges[2u * params.slot + 1u], atomicLoad(&highest));
  }
}
