// One layer step for a slab of rows: Z = 2^-k·(φ_in(A)·W) + b, written out, with the statistics of Z and H = φ(Z)
// fused into the epilogue as one MomentPair per workgroup, and range flags. A holds the previous layer's Z (φ applied
// on load, so H is never stored) or the input X. k is the exponent the merge kernel chose for the previous layer.
// 64×64 output tile per workgroup, 16×16 threads with a 4×4 register block each, K in steps of 16.
// Prepended: moments.wgsl, activation.wgsl.

struct LayerParams {
  rows: u32,
  fanIn: u32,
  fanOut: u32,
  // First row of this slab within the chunk: a multiple of TILE.
  rowOffset: u32,
  activation: u32,
  // 1 when A holds the previous layer's Z; 0 when it holds the input X.
  activateInput: u32,
  // 0-based layer index: the slot in layerState.
  layer: u32,
  // Workgroups along fanOut: the stride of the partials.
  tilesX: u32,
  bias: f32,
  slope: f32,
}

@group(0) @binding(0) var<uniform> params: LayerParams;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> output: array<f32>;
@group(0) @binding(4) var<storage, read_write> partials: array<MomentPair>;
@group(0) @binding(5) var<storage, read_write> layerState: array<atomic<u32>>;

const TILE: u32 = 64u;
const TILE_K: u32 = 16u;
const THREADS: u32 = 256u;

// Range flags, three per quantity (pre in bits 0–2, post in bits 3–5), decoded in src/gpu/layerState.ts.
const FLAG_UNDERFLOW: u32 = 1u;
const FLAG_OVERFLOW: u32 = 2u;
const FLAG_NONFINITE: u32 = 4u;
// f32 holds a value and its share of M2 when 2^-60 ≤ |x| ≤ 2^48: squares stay normal, and 2^28 of them stay finite.
const SMALLEST_HELD: f32 = 8.673617379884035e-19;
const LARGEST_HELD: f32 = 281474976710656.0;

var<workgroup> tileA: array<f32, 1024>; // [TILE_K][TILE]
var<workgroup> tileB: array<f32, 1024>; // [TILE_K][TILE]
var<workgroup> reduction: array<MomentPair, 256>;
var<workgroup> workgroupFlags: atomic<u32>;

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

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) local: vec3u, @builtin(workgroup_id) group: vec3u,
        @builtin(local_invocation_index) thread: u32) {
  let rowBase = params.rowOffset + group.y * TILE;
  let colBase = group.x * TILE;
  var acc: array<f32, 16>;

  for (var k0 = 0u; k0 < params.fanIn; k0 += TILE_K) {
    for (var i = 0u; i < 4u; i++) {
      let e = thread + THREADS * i;
      // A: 64 rows × 16 columns, consecutive threads on consecutive columns of a row.
      let m = e / TILE_K;
      let ka = e % TILE_K;
      let row = rowBase + m;
      var a = 0.0;
      if (row < params.rows && k0 + ka < params.fanIn) {
        a = input[row * params.fanIn + k0 + ka];
        if (params.activateInput == 1u) { a = activate(params.activation, a, params.slope); }
      }
      tileA[ka * TILE + m] = a;
      // W: 16 rows × 64 columns.
      let kb = e / TILE;
      let n = e % TILE;
      var b = 0.0;
      if (k0 + kb < params.fanIn && colBase + n < params.fanOut) { b = weights[(k0 + kb) * params.fanOut + colBase + n]; }
      tileB[kb * TILE + n] = b;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      var a: array<f32, 4>;
      var b: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        a[i] = tileA[kk * TILE + local.y + 16u * i];
        b[i] = tileB[kk * TILE + local.x + 16u * i];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) { acc[i * 4u + j] += a[i] * b[j]; }
      }
    }
    workgroupBarrier();
  }

  var exponent = 0i;
  if (params.layer > 0u) {
    exponent = bitcast<i32>(atomicLoad(&layerState[(params.layer - 1u) * LAYER_STATE_WORDS + STATE_EXPONENT]));
  }
  var pre = Moments(0u, 0.0, 0.0);
  var post = Moments(0u, 0.0, 0.0);
  var flags = 0u;
  for (var i = 0u; i < 4u; i++) {
    let row = rowBase + local.y + 16u * i;
    for (var j = 0u; j < 4u; j++) {
      let col = colBase + local.x + 16u * j;
      if (row < params.rows && col < params.fanOut) {
        // ldexp is exact: the renormalisation changes no bit of the mantissa.
        let z = ldexp(acc[i * 4u + j], -exponent) + params.bias;
        output[row * params.fanOut + col] = z;
        let h = activate(params.activation, z, params.slope);
        pre = pushValue(pre, z);
        post = pushValue(post, h);
        var postFlags = rangeFlags(h);
        if (h == 0.0 && !zeroIsExact(params.activation, z, params.slope)) { postFlags |= FLAG_UNDERFLOW; }
        flags |= rangeFlags(z) | (postFlags << 3u);
      }
    }
  }
  reduction[thread] = MomentPair(pre, post);
  if (flags != 0u) { atomicOr(&workgroupFlags, flags); }
  for (var stride = THREADS / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (thread < stride) {
      let other = reduction[thread + stride];
      let mine = reduction[thread];
      reduction[thread] = MomentPair(mergeMoments(mine.pre, other.pre), mergeMoments(mine.post, other.post));
    }
  }
  workgroupBarrier();
  if (thread == 0u) {
    partials[(params.rowOffset / TILE + group.y) * params.tilesX + group.x] = reduction[0];
    let all = atomicLoad(&workgroupFlags);
    if (all != 0u) { atomicOr(&layerState[params.layer * LAYER_STATE_WORDS + STATE_FLAGS], all); }
  }
}
