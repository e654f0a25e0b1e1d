// Count, mean and M2 (sum of squared deviations) with Welford's update and Chan's merge: the WGSL twin of
// src/lab/stats.ts, for the kernels that reduce. Counts are integers.

struct Moments {
  count: u32,
  mean: f32,
  m2: f32,
}

// Partials of one workgroup (or one layer): pre-activations Z and post-activations H.
struct MomentPair {
  pre: Moments,
  post: Moments,
}

fn pushValue(p: Moments, x: f32) -> Moments {
  let count = p.count + 1u;
  let delta = x - p.mean;
  let mean = p.mean + delta / f32(count);
  return Moments(count, mean, p.m2 + delta * (x - mean));
}

fn mergeMoments(a: Moments, b: Moments) -> Moments {
  if (b.count == 0u) { return a; }
  if (a.count == 0u) { return b; }
  let count = a.count + b.count;
  let share = f32(b.count) / f32(count);
  let delta = b.mean - a.mean;
  return Moments(count, a.mean + delta * share, a.m2 + b.m2 + delta * delta * f32(a.count) * share);
}

fn mergePairs(a: MomentPair, b: MomentPair) -> MomentPair {
  return MomentPair(mergeMoments(a.pre, b.pre), mergeMoments(a.post, b.post));
}
