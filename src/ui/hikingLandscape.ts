/**
 * The hiking analogy's landscape, apart from its drawing so that tests can walk it too: an illustrative 1-D loss curve
 * (not a measurement) with a plateau, a slope down to the minimum and a cliff, and gradient descent on it,
 * x ← x − η·L′(x).
 */

/** A Gaussian valley of depth 2 around x = 1.5 (flat far from it: the plateau), plus an exponential wall past x = 5. */
export const VALLEY = { depth: 2, centre: 1.5, width: 1.3 };
const CLIFF = { at: 5.2, steepness: 0.2 };

export function hikingLoss(x: number): number {
  const { depth, centre, width } = VALLEY;
  return depth * (1 - Math.exp(-((x - centre) ** 2) / (2 * width ** 2))) + Math.exp((x - CLIFF.at) / CLIFF.steepness);
}

export function hikingSlope(x: number): number {
  const { depth, centre, width } = VALLEY;
  const valley = ((depth * (x - centre)) / width ** 2) * Math.exp(-((x - centre) ** 2) / (2 * width ** 2));
  return valley + Math.exp((x - CLIFF.at) / CLIFF.steepness) / CLIFF.steepness;
}

/** η: below 2 ÷ the valley's largest curvature (depth/width² ≈ 1.18), so no step can overshoot inside the valley. */
export const HIKING_STEP = 0.8;
export const HIKING_STEPS = 12;
/** Where the three walkers start: on the slope, on the plateau, and at the foot of the cliff. */
export const HIKING_STARTS = { slope: -0.6, plateau: -4.5, cliff: 5.35 } as const;
export type Walker = keyof typeof HIKING_STARTS;

/** Gradient descent from `start`: the iterates x₀ … x_steps. */
export function descend(start: number, steps = HIKING_STEPS, step = HIKING_STEP): number[] {
  const xs = [start];
  for (let k = 0; k < steps; k++) xs.push(xs[k] - step * hikingSlope(xs[k]));
  return xs;
}

/** The drawing's coordinates: x from −6 to 6, loss from −0.3 (bottom) to 4.6 (top), in a 640 × 260 box. */
export const HIKING_VIEW = { width: 640, height: 260, x0: -6, x1: 6, top: 4.6, bottom: -0.3 };
export const px = (x: number) => ((x - HIKING_VIEW.x0) / (HIKING_VIEW.x1 - HIKING_VIEW.x0)) * HIKING_VIEW.width;
export const py = (loss: number) =>
  ((HIKING_VIEW.top - loss) / (HIKING_VIEW.top - HIKING_VIEW.bottom)) * HIKING_VIEW.height;
