/**
 * The dispatch geometry the kernels and the planner share: the 64×64 output tile of every product kernel (one
 * statistics partial per tile), and how the histogram kernels spread values over a workgroup.
 */

export const TILE = 64;
export const tilesAlong = (n: number) => Math.ceil(n / TILE);
/** Bytes of one partial of two Moments (count u32, mean f32, M2 f32 each): a forward tile's Z and H. */
export const PARTIAL_BYTES = 24;

/** Threads of a histogram workgroup, and values each reads: VALUES_PER_GROUP values per workgroup. */
export const HISTOGRAM_THREADS = 256;
export const VALUES_PER_THREAD = 16;
export const VALUES_PER_GROUP = HISTOGRAM_THREADS * VALUES_PER_THREAD;

/**
 * Element-wise kernels that also reduce (the optimizer, the coordinate sizes) stride each thread over the elements
 * in few workgroups of STRIDED_THREADS: a workgroup's tree reduction costs more than its loads — on an emulated GPU
 * about 4 ms each, so there a few dozen workgroups; a real GPU needs enough threads in flight to stream memory.
 */
export const STRIDED_THREADS = 256;
export function stridedGroups(count: number, emulated: boolean): number {
  return Math.max(1, Math.min(emulated ? 64 : 1024, Math.ceil(count / (STRIDED_THREADS * 4))));
}
/** The most partials stridedGroups gives, to size the buffers they go to. */
export const MAX_STRIDED_GROUPS = 1024;

/**
 * Floats the phase diagram's statistics write per network (shaders/phaseStats.wgsl): the largest |z|, the mean of
 * (z/largest)², the sum and count of the pairs' cosines, and Σ_i r_i·E_rows[φ′²].
 */
export const FIGURES_PER_NETWORK = 5;
