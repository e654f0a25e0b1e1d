// The phase diagram's figures of each network, one workgroup each (src/gpu/phaseRun.ts): from its rows of Z_L, the
// largest |z|, the mean of (z/largest)² and the cosines of its pairs (rows 2k, 2k + 1), all from values scaled by the
// largest so that no square leaves float32; from its rows of Z_{L−1}, Σ_i r_i·E_rows[φ′(z_i)²] with r_i the squared
// length of W_L's row i. FIGURES_PER_NETWORK floats per network, in that order (src/gpu/geometry.ts); the engine
// finishes them in float64. Declared in src/gpu/phaseStatsKernel.ts.

const STATS_THREADS: u32 = 64u;
var<workgroup> sums: array<vec3f, 64>;

// The workgroup's total of each thread's v, returned to every thread (every thread must call it: barriers).
fn total(thread: u32, v: vec3f) -> vec3f {
  sums[thread] = v;
  for (var stride = STATS_THREADS / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (thread < stride) { sums[thread] += sums[thread + stride]; }
  }
  workgroupBarrier();
  let result = sums[0];
  workgroupBarrier();
  return result;
}

// The workgroup's largest x, returned to every thread.
fn largestOf(thread: u32, x: f32) -> f32 {
  sums[thread] = vec3f(x, 0.0, 0.0);
  for (var stride = STATS_THREADS / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (thread < stride) { sums[thread].x = max(sums[thread].x, sums[thread + stride].x); }
  }
  workgroupBarrier();
  let result = sums[0].x;
  workgroupBarrier();
  return result;
}

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) thread: u32, @builtin(workgroup_id) group: vec3u) {
  let network = group.x;
  let width = params.width;
  let count = params.rowsPerNetwork * width;
  let first = network * count;

  var largest = 0.0;
  for (var e = thread; e < count; e += STATS_THREADS) { largest = max(largest, abs(last[first + e])); }
  largest = largestOf(thread, largest);
  let inverse = select(0.0, 1.0 / largest, largest > 0.0);

  var squares = 0.0;
  for (var e = thread; e < count; e += STATS_THREADS) {
    let z = last[first + e] * inverse;
    squares += z * z;
  }
  let meanSquare = total(thread, vec3f(squares, 0.0, 0.0)).x / f32(count);

  var cosineSum = 0.0;
  var cosineCount = 0.0;
  for (var pair = 0u; pair < params.rowsPerNetwork / 2u; pair++) {
    let a = first + 2u * pair * width;
    var s = vec3f(0.0);
    for (var c = thread; c < width; c += STATS_THREADS) {
      let za = last[a + c] * inverse;
      let zb = last[a + width + c] * inverse;
      s += vec3f(za * zb, za * za, zb * zb);
    }
    let sum = total(thread, s);
    if (sum.y > 0.0 && sum.z > 0.0) {
      cosineSum += sum.x / (sqrt(sum.y) * sqrt(sum.z));
      cosineCount += 1.0;
    }
  }

  var stretch = 0.0;
  for (var i = thread; i < width; i += STATS_THREADS) {
    var slopes = 0.0;
    for (var r = 0u; r < params.rowsPerNetwork; r++) {
      let d = derivative(params.activation, previous[first + r * width + i], params.slope);
      slopes += d * d;
    }
    stretch += norms[i] * slopes / f32(params.rowsPerNetwork);
  }
  stretch = total(thread, vec3f(stretch, 0.0, 0.0)).x;

  if (thread == 0u) {
    let out = network * FIGURES_PER_NETWORK;
    figures[out] = largest;
    figures[out + 1u] = meanSquare;
    figures[out + 2u] = cosineSum;
    figures[out + 3u] = cosineCount;
    figures[out + 4u] = stretch;
  }
}
