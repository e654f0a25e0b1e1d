// One workgroup's 64×64 tile of a product A·B over a shared dimension of `depth`, the core of every matmul kernel:
// 8×8 threads with an 8×8 register block each, the shared dimension in steps of 16 through workgroup memory.
// TILE comes from src/gpu/geometry.ts. The kernel that uses this defines loadA(row, k) and loadB(k, col), each 0 outside its matrix, so one core
// serves Z = φ(A)·W, δ·Wᵀ and Hᵀ·δ by the way they index their buffers.

const TILE_K: u32 = 16u;
const THREADS: u32 = 64u;

// A is stored k-major so that one vec4 holds 4 consecutive rows; B holds 4 consecutive columns per vec4.
var<workgroup> tileA: array<vec4f, 256>; // [TILE_K][TILE / 4]
var<workgroup> tileB: array<vec4f, 256>; // [TILE_K][TILE / 4]

// Thread (local.x, local.y) owns rows rowBase + 8·local.y + r and columns colBase + 8·local.x + c, r, c < 8:
// sixteen vec4 accumulators, named so that no compiler leaves them in memory. Element [2·r + h] of the result holds
// row r, columns 4·h..4·h + 3 of the thread's block.
fn productTile(local: vec3u, thread: u32, rowBase: u32, colBase: u32, depth: u32) -> array<vec4f, 16> {
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

  for (var k0 = 0u; k0 < depth; k0 += TILE_K) {
    // Thread t fills entries t + 64·i, i < 4, of both tiles: k = e / 16, four rows (or columns) from 4·(e % 16).
    for (var i = 0u; i < 4u; i++) {
      let e = thread + THREADS * i;
      let k = k0 + e / 16u;
      let quad = 4u * (e % 16u);
      let row = rowBase + quad;
      tileA[e] = vec4f(loadA(row, k), loadA(row + 1u, k), loadA(row + 2u, k), loadA(row + 3u, k));
      let col = colBase + quad;
      tileB[e] = vec4f(loadB(k, col), loadB(k, col + 1u), loadB(k, col + 2u), loadB(k, col + 3u));
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
  return array<vec4f, 16>(acc00, acc01, acc10, acc11, acc20, acc21, acc30, acc31, acc40, acc41, acc50, acc51, acc60, acc61, acc70, acc71);
}
