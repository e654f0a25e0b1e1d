/**
 * The propagation rule of range problems (src/cpu/rangeCheck.ts), for an engine that finds each quantity's own
 * problems apart: a value problem makes everything computed from those values unreliable, so it carries to them.
 * Without it a float32 NaN that φ turns into 0 (WGSL's max(NaN, 0) may) would restart the layers above it from
 * finite, unflagged and wrong values. The routes are the float64 engine's (networkForward.ts, networkBackward.ts):
 * - forward, plain:    Z_l ← H_{l−1};  H_l ← Z_l;
 * - forward, residual: Z_l ← x_l;  H_l ← Z_l;  α·F ← H_l;  x_{l+1} ← x_l, α·F;
 * - backward, plain:   δ_l ← δ_{l+1} (and Z_l where φ′ or N reads it);  ∂L/∂W_l ← δ_l, H_{l−1};
 * - backward, residual: s = ∂L/∂x_{l+1};  ∂L/∂W_{l,2} ← s, H_l;  δ_l ← s (and Z_l where read);
 *   ∂L/∂W_{l,1} ← δ_l, x_l;  ∂L/∂x_l ← δ_l (and x_l where read).
 * Only problems of values carry; a statistic's (its moments beyond float64 while every value is held) stays put.
 * One difference from the float64 engine's rule: through φ′ alone an underflow does not carry — a slope read from a
 * value that lost its low bits is the slope at nearly 0, held to float32's precision — while an Infinity or a NaN
 * spoils it (N's backward reads every bit, and carries all).
 */
import type { Quantity, RangeFlag } from './results';

type Kind = RangeFlag['kind'];

export interface CarryRoute {
  residual: boolean;
  /** The network normalizes: N's backward reads the forward values' every bit. */
  normalized: boolean;
  /** φ′ is a constant (linear φ), which reads no forward value. */
  constantSlope: boolean;
  /** The run measured the backward quantities too. */
  backward: boolean;
  /** The precision of the values' problems, which carry: float32 on the GPU. */
  precision: RangeFlag['precision'];
}

/** Each layer's flags with the problems carried to every quantity computed from flagged values. */
export function carryRangeFlags(layers: readonly RangeFlag[][], route: CarryRoute): RangeFlag[][] {
  const own = (l: number, q: Quantity): Kind[] =>
    layers[l].filter((f) => f.quantity === q && f.precision === route.precision).map((f) => f.kind);
  const carried = layers.map(() => new Map<Quantity, Set<Kind>>());
  const set = (l: number, q: Quantity, ...from: Kind[][]): Kind[] => {
    const kinds = new Set([...own(l, q), ...from.flat()]);
    carried[l].set(q, kinds);
    return [...kinds];
  };
  const get = (l: number, q: Quantity): Kind[] => (l >= 0 ? [...(carried[l].get(q) ?? [])] : []);

  let below: Kind[] = [];
  for (let l = 0; l < layers.length; l++) {
    const pre = set(l, 'pre', below);
    const post = set(l, 'post', pre);
    if (!route.residual) {
      below = post;
      continue;
    }
    const branch = set(l, 'branch', post);
    below = set(l, 'stream', below, branch);
  }
  /** What of the forward values' problems reaches a gradient through φ′ and N's backward. */
  const read = (kinds: Kind[]): Kind[] =>
    route.normalized ? kinds : route.constantSlope ? [] : kinds.filter((k) => k !== 'underflow');
  let upstream: Kind[] = [];
  for (let l = route.backward ? layers.length - 1 : -1; l >= 0; l--) {
    const readPre = read(get(l, 'pre'));
    if (!route.residual) {
      const grad = set(l, 'grad', upstream, readPre);
      set(l, 'weightGrad', grad, get(l - 1, 'post'));
      upstream = grad;
      continue;
    }
    const stream = set(l, 'streamGrad', upstream);
    set(l, 'branchWeightGrad', stream, get(l, 'post'));
    const grad = set(l, 'grad', stream, readPre);
    set(l, 'weightGrad', grad, get(l - 1, 'stream'));
    upstream = [...grad, ...read(get(l - 1, 'stream'))];
  }
  return layers.map((flags, l) => {
    const added = [...carried[l]].flatMap(([quantity, kinds]) =>
      [...kinds].map((kind): RangeFlag => ({ quantity, kind, precision: route.precision })),
    );
    const fresh = added.filter(
      (a) => !flags.some((f) => f.quantity === a.quantity && f.kind === a.kind && f.precision === a.precision),
    );
    return [...flags, ...fresh];
  });
}
