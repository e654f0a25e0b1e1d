/**
 * How the GPU gets each distribution shape: its switch index in shaders/lib/philox.wgsl's unitDraw, or null for shapes
 * drawn a whole matrix at a time (orthogonal), which src/lab/sampling.ts computes and the GPU uploads.
 * A new shape in src/lab/initializers.ts fails to compile here until it has an entry (and a WGSL case).
 */
import type { DistributionShape } from '../lab/initializers';

export const SHAPE_IDS = {
  normal: 0,
  uniform: 1,
  constant: 2,
  'truncated-normal': 3,
  orthogonal: null,
} as const satisfies Record<DistributionShape, number | null>;

export type ElementShape = {
  [S in DistributionShape]: (typeof SHAPE_IDS)[S] extends number ? S : never;
}[DistributionShape];

export const isElementShape = (shape: DistributionShape): shape is ElementShape => SHAPE_IDS[shape] !== null;
