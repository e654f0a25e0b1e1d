/**
 * The WGSL fragments of shaders/lib (files without an entry point), each with the fragments it needs, and the
 * constants WGSL shares with TS, generated here from the TS tables that own them — never written twice.
 * A kernel's declaration (kernel.ts) lists the fragments it uses; fragmentCode puts each one in once, needs first.
 */
import activationSource from '../../shaders/lib/activation.wgsl?raw';
import histogramValueSource from '../../shaders/lib/histogramValue.wgsl?raw';
import momentsSource from '../../shaders/lib/moments.wgsl?raw';
import philoxSource from '../../shaders/lib/philox.wgsl?raw';
import productTileSource from '../../shaders/lib/productTile.wgsl?raw';
import rangeSource from '../../shaders/lib/range.wgsl?raw';
import tileMomentsSource from '../../shaders/lib/tileMoments.wgsl?raw';
import { activations } from '../lab/activations';
import { Stream } from '../lab/rng';
import { MAX_TRUNCATION_ATTEMPTS, TRUNCATION_BOUND } from '../lab/sampling';
import { FIGURES_PER_NETWORK, HISTOGRAM_THREADS, TILE, VALUES_PER_GROUP, VALUES_PER_THREAD } from './geometry';
import { EXPONENT_RULES, FLAG_BITS, FLAG_KINDS, STATE } from './layerState';
import { F32_LARGEST_HELD, F32_SMALLEST_HELD } from './scale';
import { SHAPE_IDS } from './shapes';

export interface Fragment {
  name: string;
  code: string;
  requires: readonly Fragment[];
}

type Constant = ['u32' | 'f32', number];

const literal = ([type, value]: Constant) =>
  type === 'u32' ? `${value}u` : Number.isInteger(value) ? `${value}.0` : String(value);

/** A fragment of `const` declarations; `source` names the TS that owns the values. */
function constants(name: string, source: string, values: Record<string, Constant>): Fragment {
  const lines = Object.entries(values).map(([key, c]) => `const ${key}: ${c[0]} = ${literal(c)};`);
  return { name, code: `// Generated from ${source}.\n${lines.join('\n')}`, requires: [] };
}

const constantName = (name: string) => name.toUpperCase().replace(/-/g, '_');

const state = constants('state', 'src/gpu/layerState.ts', {
  STATE_WORDS: ['u32', STATE.words],
  STATE_SLOT_A: ['u32', STATE.slotA],
  STATE_EXPONENT: ['u32', STATE.exponent],
  STATE_SLOT_B: ['u32', STATE.slotB],
  STATE_FLAGS: ['u32', STATE.flags],
  FLAG_BITS: ['u32', FLAG_BITS],
  ...Object.fromEntries(FLAG_KINDS.map((kind, bit) => [`FLAG_${constantName(kind)}`, ['u32', 1 << bit] as Constant])),
  ...Object.fromEntries(
    Object.entries(EXPONENT_RULES).map(([rule, id]) => [`EXPONENT_${constantName(rule)}`, ['u32', id] as Constant]),
  ),
});

const activationIds = constants(
  'activationIds',
  'the activation table, src/lab/activations.ts',
  Object.fromEntries(Object.values(activations).map((a) => [`ACT_${constantName(a.name)}`, ['u32', a.id] as Constant])),
);

const sampling = constants('sampling', 'src/gpu/shapes.ts, src/lab/sampling.ts and src/lab/rng.ts', {
  ...Object.fromEntries(
    Object.entries(SHAPE_IDS).flatMap(([shape, id]) =>
      id === null ? [] : [[`SHAPE_${constantName(shape)}`, ['u32', id] as Constant]],
    ),
  ),
  TRUNCATION_BOUND: ['f32', TRUNCATION_BOUND],
  MAX_TRUNCATION_ATTEMPTS: ['u32', MAX_TRUNCATION_ATTEMPTS],
  ...Object.fromEntries(
    Object.entries(Stream).map(([stream, id]) => [
      `${constantName(stream.replace(/[A-Z]/g, (c) => `_${c}`))}_STREAM`,
      ['u32', id] as Constant,
    ]),
  ),
});

const geometry = constants('geometry', 'src/gpu/geometry.ts and src/gpu/scale.ts', {
  TILE: ['u32', TILE],
  HISTOGRAM_THREADS: ['u32', HISTOGRAM_THREADS],
  VALUES_PER_THREAD: ['u32', VALUES_PER_THREAD],
  VALUES_PER_GROUP: ['u32', VALUES_PER_GROUP],
  FIGURES_PER_NETWORK: ['u32', FIGURES_PER_NETWORK],
  SMALLEST_HELD: ['f32', F32_SMALLEST_HELD],
  LARGEST_HELD: ['f32', F32_LARGEST_HELD],
});

const fragment = (name: string, code: string, requires: Fragment[] = []): Fragment => ({ name, code, requires });

const moments = fragment('moments', momentsSource, [state]);
const activation = fragment('activation', activationSource, [activationIds]);

/** The fragments a kernel may list. */
export const FRAGMENTS = {
  moments,
  activation,
  geometry,
  range: fragment('range', rangeSource, [state, geometry]),
  philox: fragment('philox', philoxSource, [sampling]),
  productTile: fragment('productTile', productTileSource, [geometry]),
  tileMoments: fragment('tileMoments', tileMomentsSource, [moments]),
  histogramValue: fragment('histogramValue', histogramValueSource, [activation, geometry]),
} as const;

/** The code of the fragments and everything they need, each once, needs before the fragments that use them. */
export function fragmentCode(list: readonly Fragment[]): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  const add = (f: Fragment) => {
    if (seen.has(f.name)) return;
    seen.add(f.name);
    f.requires.forEach(add);
    parts.push(f.code);
  };
  list.forEach(add);
  return parts.join('\n');
}
