/**
 * The config's `phase`: the grid of a phase diagram, {"sigmaW": [from, to, steps], "sigmaB": [from, to, steps]}, each
 * axis `steps` values evenly from `from` to `to` (one value, `from`, when steps is 1). Only `npm run phase` and the
 * page's phase diagram read it (src/lab/phase.ts); a sweep ignores it.
 */
import { type ConfigError, isRecord } from './configValues';

/** [from, to, steps], as the config writes it, so that a resolved config parses again to itself. */
export type PhaseAxis = [from: number, to: number, steps: number];
export interface PhaseSpec {
  sigmaW: PhaseAxis;
  sigmaB: PhaseAxis;
}

/** The largest σ an axis may reach, and the most steps along it. */
export const MAX_PHASE_SIGMA = 100;
export const MAX_PHASE_STEPS = 128;
/** Grid points in all: every one is a network of its own. */
export const MAX_PHASE_POINTS = 4096;

/** The grid's two axes, declared once: validation and the README's table (configDoc.ts) read them. */
export const PHASE_AXES = {
  sigmaW: {
    least: 'from > 0',
    smallest: (x: number) => x > 0,
    meaning: 'σ_w: every weight of a point is N(0, σ_w²/n_in), He normal with gain σ_w',
  },
  sigmaB: {
    least: 'from ≥ 0',
    smallest: (x: number) => x >= 0,
    meaning: "σ_b: every bias of a point is N(0, σ_b²), the bias initializer's normal",
  },
} as const;
const AXES = PHASE_AXES;

function parseAxis(value: unknown, name: keyof typeof AXES, errors: ConfigError[]): PhaseAxis | null {
  const rule = AXES[name];
  const allowed = `[from, to, steps] with ${rule.least}, from ≤ to ≤ ${MAX_PHASE_SIGMA} and steps an integer from 1 to ${MAX_PHASE_STEPS}`;
  const numbers = Array.isArray(value) && value.length === 3 && value.every((x) => typeof x === 'number');
  const [from, to, steps] = numbers ? (value as number[]) : [NaN, NaN, NaN];
  const ok =
    numbers &&
    [from, to].every(Number.isFinite) &&
    rule.smallest(from) &&
    from <= to &&
    to <= MAX_PHASE_SIGMA &&
    Number.isInteger(steps) &&
    steps >= 1 &&
    steps <= MAX_PHASE_STEPS;
  if (ok) return [from, to, steps];
  errors.push({ field: `phase.${name}`, value, allowed });
  return null;
}

export function parsePhase(value: unknown, errors: ConfigError[]): PhaseSpec | null {
  const allowed = '{"sigmaW": [from, to, steps], "sigmaB": [from, to, steps]}';
  if (!isRecord(value)) {
    errors.push({ field: 'phase', value, allowed: `an object ${allowed}` });
    return null;
  }
  for (const key of Object.keys(value))
    if (!Object.hasOwn(AXES, key))
      errors.push({ field: `phase.${key}`, value: value[key], allowed: `not a field of ${allowed}` });
  const sigmaW = parseAxis(value.sigmaW, 'sigmaW', errors);
  const sigmaB = parseAxis(value.sigmaB, 'sigmaB', errors);
  if (!sigmaW || !sigmaB) return null;
  if (sigmaW[2] * sigmaB[2] > MAX_PHASE_POINTS) {
    errors.push({
      field: 'phase',
      value: `${sigmaW[2]} × ${sigmaB[2]} points`,
      allowed: `at most ${MAX_PHASE_POINTS} grid points in all`,
    });
    return null;
  }
  return { sigmaW, sigmaB };
}

/** The values of an axis, evenly from `from` to `to`. */
export function axisValues([from, to, steps]: PhaseAxis): number[] {
  if (steps === 1) return [from];
  return Array.from({ length: steps }, (_, i) => from + ((to - from) * i) / (steps - 1));
}
