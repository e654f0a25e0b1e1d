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
 * Floats the phase diagram's statistics write per network (shaders/phaseStats.wgsl): the largest |z|, the mean of
 * (z/largest)², the sum and count of the pairs' cosines, and Σ_i r_i·E_rows[φ′²].
 */
export const FIGURES_PER_NETWORK = 5;
