// The range of one histogram: min and max of the finite values of a buffer (or of φ of them), folded into its slot of
// `ranges` with u32 atomics on an order-preserving encoding of f32 (src/gpu/histogramSet.ts decodes it).
// Declared in src/gpu/histogramRangeKernel.ts.

var<workgroup> lowest: atomic<u32>;
var<workgroup> highest: atomic<u32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) thread: u32) {
  if (thread == 0u) {
    atomicStore(&lowest, 0xFFFFFFFFu);
    atomicStore(&highest, 0u);
  }
  workgroupBarrier();
  // Keys in registers first, then one workgroup atomic per thread and one global atomic pair per workgroup.
  var low = 0xFFFFFFFFu;
  var high = 0u;
  let first = group.y * params.gridWidth + group.x * VALUES_PER_GROUP;
  for (var v = 0u; v < VALUES_PER_THREAD; v++) {
    let index = first + v * HISTOGRAM_THREADS + thread;
    if (index < params.count) {
      let x = histogramValue(values[index], params.applyPhi, params.activation, params.slope);
      if (isFiniteValue(x)) {
        low = min(low, orderedKey(x));
        high = max(high, orderedKey(x));
      }
    }
  }
  atomicMin(&lowest, low);
  atomicMax(&highest, high);
  workgroupBarrier();
  if (thread == 0u) {
    atomicMin(&ranges[2u * params.slot], atomicLoad(&lowest));
    atomicMax(&ranges[2u * params.slot + 1u], atomicLoad(&highest));
  }
}
