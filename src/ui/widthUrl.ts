/**
 * The width section's state in the page's URL: one parameter per control, `scaling.<control>`, written only where it
 * differs from the default (most links never change them), e.g.
 *   ?…&scaling.coordWidths=64,128,256&scaling.kinds=standard,mup&scaling.measure=rms
 * Read one parameter at a time, as the rest of the URL: a bad one is reported (parameter, value, allowed) and falls
 * back to its default while the others apply. Plain data, no DOM.
 */
import type { ExperimentConfig } from '../lab/config';
import type { ParametrizationKind } from '../lab/parametrization';
import {
  DEFAULT_WIDTH_SETTINGS,
  formOf,
  type OptimizerKind,
  readForm,
  type WidthForm,
  type WidthSettings,
} from './widthSettings';

export const WIDTH_PREFIX = 'scaling.';

/** What the coordinate check's panels show: Z at step 0 and Z − Z₀ after it (the check's story), Z or φ(Z) throughout. */
export type CoordView = 'change' | 'pre' | 'post';
export const COORD_VIEWS: readonly CoordView[] = ['change', 'pre', 'post'];
export type CoordMeasureName = 'meanAbs' | 'rms';
export const COORD_MEASURES: readonly CoordMeasureName[] = ['meanAbs', 'rms'];

/** The section's view of its results: changing it redraws, it computes nothing. */
export interface WidthView {
  quantity: CoordView;
  measure: CoordMeasureName;
}

export const DEFAULT_WIDTH_VIEW: WidthView = { quantity: 'change', measure: 'meanAbs' };

export interface WidthUrlState {
  settings: WidthSettings;
  view: WidthView;
  /** One sentence per rejected parameter, as the page's other link problems. */
  problems: string[];
}

type FormKey = keyof WidthForm;
const FORM_KEYS = Object.keys(formOf(DEFAULT_WIDTH_SETTINGS)) as FormKey[];

/** A form field's value as the URL writes it. */
function formText(form: WidthForm, key: FormKey): string {
  const value = form[key];
  // No control's value needs a space: "64, 128" is written 64,128.
  return (Array.isArray(value) ? value.join(',') : String(value)).replace(/\s+/g, '');
}

/** The text of one parameter as the form field it sets. */
function withParam(form: WidthForm, key: FormKey, text: string): WidthForm {
  if (key === 'kinds') return { ...form, kinds: text.split(',').map((k) => k.trim()) as ParametrizationKind[] };
  if (key === 'readoutZero')
    return { ...form, readoutZero: text === 'true' ? true : text === 'false' ? false : (text as never) };
  if (key === 'coordOptimizer' || key === 'transferOptimizer') return { ...form, [key]: text as OptimizerKind };
  return { ...form, [key]: text };
}

function viewProblem(key: string, text: string, allowed: readonly string[], fallback: string): string {
  return `${WIDTH_PREFIX}${key} = "${text}": one of ${allowed.join(', ')}; using the default ${fallback}.`;
}

/** The section's settings and view from the URL's `scaling.` parameters; `reader` is the page's experiment. */
export function readWidthUrl(params: URLSearchParams, reader: ExperimentConfig): WidthUrlState {
  const defaults = formOf(DEFAULT_WIDTH_SETTINGS);
  const view = { ...DEFAULT_WIDTH_VIEW };
  const problems: string[] = [];
  let form = defaults;
  for (const [name, text] of params) {
    if (!name.startsWith(WIDTH_PREFIX)) continue;
    const key = name.slice(WIDTH_PREFIX.length);
    if (key === 'quantity' || key === 'measure') {
      const allowed: readonly string[] = key === 'quantity' ? COORD_VIEWS : COORD_MEASURES;
      if (allowed.includes(text)) Object.assign(view, { [key]: text });
      else problems.push(viewProblem(key, text, allowed, DEFAULT_WIDTH_VIEW[key]));
      continue;
    }
    if (!(FORM_KEYS as string[]).includes(key)) {
      const names = [...FORM_KEYS, 'quantity', 'measure'].map((k) => WIDTH_PREFIX + k).join(', ');
      problems.push(`${name} = "${text}": not a parameter of this page (the width section's: ${names}); ignored.`);
      continue;
    }
    const next = withParam(form, key as FormKey, text);
    const alone = readForm(withParam(defaults, key as FormKey, text), reader);
    if (alone.ok) form = next;
    else
      problems.push(`${alone.errors.join('; ')}; using the default ${name} = ${formText(defaults, key as FormKey)}.`);
  }
  const read = readForm(form, reader);
  if (read.ok) return { settings: read.settings, view, problems };
  problems.push(`${read.errors.join('; ')}; using the width section's defaults.`);
  return { settings: DEFAULT_WIDTH_SETTINGS, view, problems };
}

/** The `scaling.` parameters that differ from the defaults, as "&name=value" pairs (empty when none do). */
export function widthQuery(settings: WidthSettings, view: WidthView): string {
  const form = formOf(settings);
  const defaults = formOf(DEFAULT_WIDTH_SETTINGS);
  const pairs: [string, string][] = FORM_KEYS.filter((key) => formText(form, key) !== formText(defaults, key)).map(
    (key) => [key, formText(form, key)],
  );
  for (const key of ['quantity', 'measure'] as const)
    if (view[key] !== DEFAULT_WIDTH_VIEW[key]) pairs.push([key, view[key]]);
  return pairs.map(([key, text]) => `&${WIDTH_PREFIX}${key}=${encodeURIComponent(text).replace(/%2C/g, ',')}`).join('');
}
