// Range flags of float32 values, three bits per quantity, decoded in src/gpu/layerState.ts and src/gpu/gradState.ts.

const FLAG_UNDERFLOW: u32 = 1u;
const FLAG_OVERFLOW: u32 = 2u;
const FLAG_NONFINITE: u32 = 4u;
// f32 holds a value and its share of M2 when 2^-60 ≤ |x| ≤ 2^48: squares stay normal, and 2^28 of them stay finite.
const SMALLEST_HELD: f32 = 8.673617379884035e-19;
const LARGEST_HELD: f32 = 281474976710656.0;

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
