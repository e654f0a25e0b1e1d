// φ by the activation table's `id` (src/lab/activations.ts, which also gives the ACT_ constants), accurate in f32
// where the builtins are not.

// WGSL's tanh inherits sinh/cosh's bounds, which lose all relative accuracy near 0 (exp(z) − exp(−z)).
// Below 0.55 the odd Taylor series to z^15 (truncation < 1e-7 relative); above, 1 − 2/(e^{2|z|} + 1), no cancellation.
fn accurateTanh(z: f32) -> f32 {
  let a = abs(z);
  if (a < 0.55) {
    let z2 = z * z;
    return z * (1.0 + z2 * (-1.0 / 3.0 + z2 * (2.0 / 15.0 + z2 * (-17.0 / 315.0 + z2 * (62.0 / 2835.0
      + z2 * (-1382.0 / 155925.0 + z2 * (21844.0 / 6081075.0 + z2 * (-929569.0 / 638512875.0))))))));
  }
  return sign(z) * (1.0 - 2.0 / (exp(2.0 * a) + 1.0));
}

// erfc by Numerical Recipes' Chebyshev fit (fractional error < 1.2e-7 everywhere): Φ(z) = erfc(−z/√2)/2 keeps its
// relative accuracy in the lower tail, where 1 − Φ would not.
fn erfc(x: f32) -> f32 {
  let a = abs(x);
  let t = 1.0 / (1.0 + 0.5 * a);
  let poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  let tail = t * exp(-a * a + poly);
  return select(2.0 - tail, tail, x >= 0.0);
}

fn activate(id: u32, z: f32, slope: f32) -> f32 {
  switch id {
    case ACT_RELU: { return max(z, 0.0); }
    case ACT_TANH: { return accurateTanh(z); }
    case ACT_SIGMOID: { return 1.0 / (1.0 + exp(-z)); }
    case ACT_LEAKY_RELU: { return select(slope * z, z, z > 0.0); }
    case ACT_GELU: { return z * 0.5 * erfc(-z * 0.7071067811865476); }
    default: { return z; }
  }
}

// Whether φ(z) = 0 is the true value rather than an underflow.
fn zeroIsExact(id: u32, z: f32, slope: f32) -> bool {
  switch id {
    case ACT_RELU: { return z <= 0.0; }
    case ACT_LEAKY_RELU: { return z <= 0.0 && slope == 0.0; }
    default: { return z == 0.0; }
  }
}

// φ'(z), by the activation table's `df`. Written without 1 − φ² style differences, which lose all relative accuracy
// where φ saturates: tanh' = sech² = 4e/(1 + e)² and sigmoid' = e/(1 + e)², with e = exp(−2|z|) and exp(−|z|).
fn derivative(id: u32, z: f32, slope: f32) -> f32 {
  switch id {
    case ACT_RELU: { return select(0.0, 1.0, z > 0.0); }
    case ACT_TANH: {
      let e = exp(-2.0 * abs(z));
      return 4.0 * e / ((1.0 + e) * (1.0 + e));
    }
    case ACT_SIGMOID: {
      let e = exp(-abs(z));
      return e / ((1.0 + e) * (1.0 + e));
    }
    case ACT_LEAKY_RELU: { return select(slope, 1.0, z > 0.0); }
    case ACT_GELU: { return 0.5 * erfc(-z * 0.7071067811865476) + z * 0.3989422804014327 * exp(-0.5 * z * z); }
    default: { return 1.0; }
  }
}

// Whether φ'(z) = 0 is the true value rather than an underflow.
fn derivativeZeroIsExact(id: u32, z: f32, slope: f32) -> bool {
  switch id {
    case ACT_RELU: { return z <= 0.0; }
    case ACT_LEAKY_RELU: { return z <= 0.0 && slope == 0.0; }
    default: { return false; }
  }
}
