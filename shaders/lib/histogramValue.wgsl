// What the histogram kernels share: the value counted, the f32 classes of src/lab/histogram.ts's rule, and the
// order-preserving u32 key of an f32 (negatives bit-flipped, positives with the sign bit set), so that u32 atomicMin
// and atomicMax find f32 extremes. Needs activation.wgsl.

// Each workgroup of GROUP_THREADS threads reads VALUES_PER_GROUP consecutive values, VALUES_PER_THREAD per thread,
// strided so that neighbouring threads read neighbouring values (constants from src/gpu/geometry.ts).

fn histogramValue(stored: f32, applyPhi: u32, activation: u32, slope: f32) -> f32 {
  return select(stored, activate(activation, stored, slope), applyPhi == 1u);
}

fn isNaNValue(x: f32) -> bool {
  let bits = bitcast<u32>(x);
  return (bits & 0x7F800000u) == 0x7F800000u && (bits & 0x7FFFFFu) != 0u;
}

fn isFiniteValue(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7F800000u) != 0x7F800000u;
}

fn orderedKey(x: f32) -> u32 {
  let bits = bitcast<u32>(x);
  return select(bits | 0x80000000u, ~bits, (bits & 0x80000000u) != 0u);
}

fn fromOrderedKey(key: u32) -> f32 {
  return bitcast<f32>(select(~key, key & 0x7FFFFFFFu, (key & 0x80000000u) != 0u));
}
