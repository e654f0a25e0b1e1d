// The end of a fused 8×8-thread kernel whose statistics are one Moments per workgroup: each thread's partial and range
// flags merged over the workgroup (Chan's merge in a tree). Prepended after moments.wgsl to outputGradient,
// backwardLayer and weightGradient.

const TILE_REDUCE_THREADS: u32 = 64u;

var<workgroup> reduction: array<Moments, TILE_REDUCE_THREADS>;
var<workgroup> workgroupFlags: atomic<u32>;

struct TileTotal {
  moments: Moments,
  flags: u32,
}

// Every thread of the workgroup must call it (it holds barriers); every thread gets the merged total back.
fn reduceTile(thread: u32, moments: Moments, flags: u32) -> TileTotal {
  reduction[thread] = moments;
  if (flags != 0u) { atomicOr(&workgroupFlags, flags); }
  for (var stride = TILE_REDUCE_THREADS / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (thread < stride) { reduction[thread] = mergeMoments(reduction[thread], reduction[thread + stride]); }
  }
  workgroupBarrier();
  return TileTotal(reduction[0], atomicLoad(&workgroupFlags));
}
