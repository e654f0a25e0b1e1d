// Range flags of float32 values, three bits per quantity (FLAG_ constants and the held bounds SMALLEST_HELD and
// LARGEST_HELD from src/gpu/layerState.ts and src/gpu/scale.ts): f32 holds a value and its share of M2 when
// 2^-60 ≤ |x| ≤ 2^48, so squares stay normal and 2^28 of them stay finite.

fn rangeFlags(x: f32) -> u32 {
  let bits = bitcast<u32>(x);
  if ((bits & 0x7F800000u) == 0x7F800000u) {
    return select(FLAG_OVERFLOW, FLAG_NONFINITE, (bits & 0x7FFFFFu) != 0u);
  }
  let a = abs(x);
  if (a > LARGEST_HELD) { return FLAG_OVERFLOW; }
  if (a != 0.0 && a < SMALLEST_HELD) { return FLAG_UNDERFLOW; }
  return 0u;
}
