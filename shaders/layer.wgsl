// One layer step for a slab of rows: Z = 2^-k·(φ_in(A)·W) + b, written out, with the statistics of Z and H = φ(Z)
// fused into the epilogue as one MomentPair per workgroup, and range flags. A holds the previous layer's Z (φ applied
// on load, so H is never stored) or the input X. k is the exponent the merge kernel chose for the previous layer.
// 64×64 output tile per workgroup, 8×8 threads with an 8×8 register block each, K in steps of 16.
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
const THREADS: u32 = 64u;

// Range flags, three per quantity (pre in bits 0–2, post in bits 3–5), decoded in src/gpu/layerState.ts.
const FLAG_UNDERFLOW: u32 = 1u;
const FLAG_OVERFLOW: u32 = 2u;
const FLAG_NONFINITE: u32 = 4u;
// f32 holds a value and its share of M2 when 2^-60 ≤ |x| ≤ 2^48: squares stay normal, and 2^28 of them stay finite.
const SMALLEST_HELD: f32 = 8.673617379884035e-19;
const LARGEST_HELD: f32 = 281474976710656.0;

// A is stored k-major so that one vec4 holds 4 consecutive rows; W holds 4 consecutive columns per vec4.
var<workgroup> tileA: array<vec4f, 256>; // [TILE_K][TILE / 4]
var<workgroup> tileB: array<vec4f, 256>; // [TILE_K][TILE / 4]
var<workgroup> reduction: array<MomentPair, 64>;
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

fn loadInput(row: u32, k: u32) -> f32 {
  if (row >= params.rows || k >= params.fanIn) { return 0.0; }
  let a = input[row * params.fanIn + k];
  return select(a, activate(params.activation, a, params.slope), params.activateInput == 1u);
}

fn loadWeight(k: u32, col: u32) -> f32 {
  if (k >= params.fanIn || col >= params.fanOut) { return 0.0; }
  return weights[k * params.fanOut + col];
}

// Each thread owns rows rowBase + 8·local.y + r and columns colBase + 8·local.x + c, r, c < 8: sixteen vec4
// accumulators, named so that no compiler leaves them in memory.
@compute @workgroup_size(8, 8)
fn main(@builtin(local_invocation_id) local: vec3u, @builtin(workgroup_id) group: vec3u,
        @builtin(local_invocation_index) thread: u32) {
  let rowBase = params.rowOffset + group.y * TILE;
  let colBase = group.x * TILE;
  var acc00 = vec4f(0.0);
  var acc01 = vec4f(0.0);
  var acc10 = vec4f(0.0);
  var acc11 = vec4f(0.0);
  var acc20 = vec4f(0.0);
  var acc21 = vec4f(0.0);
  var acc30 = vec4f(0.0);
  var acc31 = vec4f(0.0);
  var acc40 = vec4f(0.0);
  var acc41 = vec4f(0.0);
  var acc50 = vec4f(0.0);
  var acc51 = vec4f(0.0);
  var acc60 = vec4f(0.0);
  var acc61 = vec4f(0.0);
  var acc70 = vec4f(0.0);
  var acc71 = vec4f(0.0);

  for (var k0 = 0u; k0 < params.fanIn; k0 += TILE_K) {
    // Thread t fills entries t + 64·i, i < 4, of both tiles: k = e / 16, four rows (or columns) from 4·(e % 16).
    for (var i = 0u; i < 4u; i++) {
      let e = thread + THREADS * i;
      let k = k0 + e / 16u;
      let quad = 4u * (e % 16u);
      let row = rowBase + quad;
      tileA[e] = vec4f(loadInput(row, k), loadInput(row + 1u, k), loadInput(row + 2u, k), loadInput(row + 3u, k));
      let col = colBase + quad;
      tileB[e] = vec4f(loadWeight(k, col), loadWeight(k, col + 1u), loadWeight(k, col + 2u), loadWeight(k, col + 3u));
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      let aLo = tileA[kk * 16u + 2u * local.y];
      let aHi = tileA[kk * 16u + 2u * local.y + 1u];
      let b0 = tileB[kk * 16u + 2u * local.x];
      let b1 = tileB[kk * 16u + 2u * local.x + 1u];
      acc00 += aLo.x * b0;
      acc01 += aLo.x * b1;
      acc10 += aLo.y * b0;
      acc11 += aLo.y * b1;
      acc20 += aLo.z * b0;
      acc21 += aLo.z * b1;
      acc30 += aLo.w * b0;
      acc31 += aLo.w * b1;
      acc40 += aHi.x * b0;
      acc41 += aHi.x * b1;
      acc50 += aHi.y * b0;
      acc51 += aHi.y * b1;
      acc60 += aHi.z * b0;
      acc61 += aHi.z * b1;
      acc70 += aHi.w * b0;
      acc71 += aHi.w * b1;
    }
    workgroupBarrier();
  }
  // acc[2·r + h] holds row r, columns 4·h..4·h + 3 of the thread's block.
  let acc = array<vec4f, 16>(acc00, acc01, acc10, acc11, acc20, acc21, acc30, acc31, acc40, acc41, acc50, acc51, acc60, acc61, acc70, acc71);

  var exponent = 0i;
  if (params.layer > 0u) {
    exponent = bitcast<i32>(atomicLoad(&layerState[(params.layer - 1u) * LAYER_STATE_WORDS + STATE_EXPONENT]));
  }
  var pre = Moments(0u, 0.0, 0.0);
  var post = Moments(0u, 0.0, 0.0);
  var flags = 0u;
  for (var i = 0u; i < 8u; i++) {
    let row = rowBase + 8u * local.y + i;
    for (var j = 0u; j < 8u; j++) {
      let col = colBase + 8u * local.x + j;
      if (row < params.rows && col < params.fanOut) {
        // ldexp is exact: the renormalisation changes no bit of the mantissa.
        let z = ldexp(acc[2u * i + j / 4u][j % 4u], -exponent) + params.bias;
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
