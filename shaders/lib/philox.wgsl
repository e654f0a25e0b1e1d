// Philox4x32-10 and the draws built on it: the WGSL twin of src/lab/rng.ts, for the kernels that draw.
// counter = [element, layer, trial, series + 65536·attempt], key = [seed, stream].

const PHILOX_M0: u32 = 0xD2511F53u;
const PHILOX_M1: u32 = 0xCD9E8D57u;
const PHILOX_W0: u32 = 0x9E3779B9u;
const PHILOX_W1: u32 = 0xBB67AE85u;

// High word of a 32×32-bit product by 16-bit halves: WGSL has no 64-bit integers.
fn mulHigh(a: u32, b: u32) -> u32 {
  let aHi = a >> 16u; let aLo = a & 0xFFFFu;
  let bHi = b >> 16u; let bLo = b & 0xFFFFu;
  let cross1 = aHi * bLo;
  let cross2 = aLo * bHi;
  let low = aLo * bLo;
  // Carry out of the low 32 bits: at most 2, so the sum below never overflows.
  let middle = (low >> 16u) + (cross1 & 0xFFFFu) + (cross2 & 0xFFFFu);
  return aHi * bHi + (cross1 >> 16u) + (cross2 >> 16u) + (middle >> 16u);
}

fn philox(counter: vec4u, key: vec2u) -> vec4u {
  var c = counter;
  var k = key;
  for (var i = 0u; i < 10u; i++) {
    let hi0 = mulHigh(PHILOX_M0, c.x);
    let lo0 = PHILOX_M0 * c.x;
    let hi1 = mulHigh(PHILOX_M1, c.z);
    let lo1 = PHILOX_M1 * c.z;
    c = vec4u(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k += vec2u(PHILOX_W0, PHILOX_W1);
  }
  return c;
}

// Uniform in [0, 1) from the top 24 bits: exact in f32, equal to the CPU's.
fn unitUniform(word: u32) -> f32 {
  return f32(word >> 8u) * 5.9604644775390625e-8;
}

// ln u for u in (0, 1] to a few f32 ulps. The builtin log has no tight accuracy bound: u = 2^e·x with x in
// [√½, √2), ln x = 2·atanh(s), s = (x − 1)/(x + 1), |s| ≤ 0.172, series to s^11 (truncation < 1e-10 relative).
fn accurateLog(u: f32) -> f32 {
  let bits = bitcast<u32>(u);
  var e = i32((bits >> 23u) & 0xFFu) - 127;
  var x = bitcast<f32>((bits & 0x7FFFFFu) | 0x3F800000u);
  if (x > 1.4142135) { x *= 0.5; e += 1; }
  let s = (x - 1.0) / (x + 1.0);
  let s2 = s * s;
  let series = 1.0 + s2 * (1.0 / 3.0 + s2 * (0.2 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0)))));
  // ln 2 split so that e·LN2_HI is exact for |e| < 256.
  let fe = f32(e);
  return fe * 0.693145751953125 + (fe * 1.428606765330187e-6 + 2.0 * s * series);
}

// sin and cos of a in [0, π/4] by Taylor series (truncation < 2e-9 relative).
fn sinSmall(a: f32) -> f32 {
  let a2 = a * a;
  return a * (1.0 + a2 * (-1.0 / 6.0 + a2 * (1.0 / 120.0 + a2 * (-1.0 / 5040.0 + a2 * (1.0 / 362880.0)))));
}
fn cosSmall(a: f32) -> f32 {
  let a2 = a * a;
  return 1.0 + a2 * (-0.5 + a2 * (1.0 / 24.0 + a2 * (-1.0 / 720.0 + a2 * (1.0 / 40320.0 + a2 * (-1.0 / 3628800.0)))));
}

// cos(2π·m/2^24) for the 24-bit m = word >> 8, with the reduction done exactly in integers: the quadrant is m's top
// two bits, and the angle inside it is folded to [0, π/4] so the series stays accurate near cos's zeros.
fn cosTurns(word: u32) -> f32 {
  let m = word >> 8u;
  let quadrant = m >> 22u;
  let r = m & 0x3FFFFFu;
  let folded = r > 0x200000u;
  let t = f32(select(r, 0x400000u - r, folded)) * 2.384185791015625e-7; // 2^-22
  let a = t * 1.5707963267948966;
  let c = cosSmall(a);
  let s = sinSmall(a);
  // Within the quadrant: cos of the unfolded angle is c (or s when folded); sin is s (or c).
  let cosIn = select(c, s, folded);
  let sinIn = select(s, c, folded);
  switch quadrant {
    case 0u: { return cosIn; }
    case 1u: { return -sinIn; }
    case 2u: { return -cosIn; }
    default: { return sinIn; }
  }
}

// Box–Muller, cosine branch: u1 = ((w0 >> 8) + 1)·2^-24 in (0, 1], angle 2π·(w1 >> 8)·2^-24.
fn standardNormal(w0: u32, w1: u32) -> f32 {
  let u1 = f32((w0 >> 8u) + 1u) * 5.9604644775390625e-8;
  return sqrt(-2.0 * accurateLog(u1)) * cosTurns(w1);
}

// Distribution shapes drawn element by element: SHAPE_ constants by SHAPE_IDS, TRUNCATION_BOUND and
// MAX_TRUNCATION_ATTEMPTS by src/lab/sampling.ts (src/gpu/shapes.ts generates them).

// N(0, 1) truncated by rejection, as src/lab/sampling.ts: attempt k sets the counter's last word to
// series + 65536·k. Near |z| = bound the f32 and f64 normals may round to opposite sides (probability ~1e-7).
fn truncatedNormal(counter: vec4u, key: vec2u) -> f32 {
  for (var attempt = 0u; attempt < MAX_TRUNCATION_ATTEMPTS; attempt++) {
    let w = philox(vec4u(counter.xyz, counter.w + 65536u * attempt), key);
    let z = standardNormal(w.x, w.y);
    if (abs(z) <= TRUNCATION_BOUND) { return z; }
  }
  return 0.0;
}

// A unit-scale draw of a shape at one address: the element is `scale ×` this.
fn unitDraw(shape: u32, counter: vec4u, key: vec2u) -> f32 {
  switch shape {
    case SHAPE_NORMAL: {
      let w = philox(counter, key);
      return standardNormal(w.x, w.y);
    }
    case SHAPE_UNIFORM: {
      let w = philox(counter, key);
      return 2.0 * unitUniform(w.x) - 1.0;
    }
    case SHAPE_TRUNCATED_NORMAL: { return truncatedNormal(counter, key); }
    default: { return 1.0; }
  }
}
