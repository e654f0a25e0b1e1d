/** The config reference table in the README, generated from the field table so the docs cannot drift. */
import { scalarFields } from './configFields';
import { MAX_PHASE_POINTS, MAX_PHASE_SIGMA, MAX_PHASE_STEPS, PHASE_AXES } from './configPhase';
import { type Initializer, initializers } from './initializers';

export function configReference(): string {
  const rows = scalarFields.map((f) => {
    const allowed =
      f.type === 'enum'
        ? f.values.map((v) => `\`"${v}"\``).join(', ')
        : `${f.type === 'int' ? 'integer' : 'number'} ${f.min} … ${f.max}${f.type === 'number' && f.random ? ', or `{"kind": "normal", "sigma": σ_b}`' : ''}`;
    const fallback = f.type === 'enum' ? `\`"${f.default}"\`` : `\`${f.default}\``;
    return `| \`${f.name}\` | ${allowed} | ${fallback} | ${f.description} |`;
  });
  return ['| field | allowed | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

export function initializerReference(): string {
  const rows = Object.values(initializers).map((init: Initializer) => {
    const fields = init.fields.length ? init.fields.map((f) => `\`${f}\``).join(', ') : '—';
    return `| \`${init.kind}\` | ${fields} | ${init.summary} |`;
  });
  return ['| kind | fields | weights |', '|---|---|---|', ...rows].join('\n');
}

/** The `phase` field's axes: what each takes and sets. */
export function phaseReference(): string {
  const rows = Object.entries(PHASE_AXES).map(
    ([name, axis]) =>
      `| \`${name}\` | \`[from, to, steps]\`, ${axis.least}, from ≤ to ≤ ${MAX_PHASE_SIGMA}, steps 1 … ${MAX_PHASE_STEPS} | ${axis.meaning} |`,
  );
  return [
    '| axis | allowed | meaning |',
    '|---|---|---|',
    ...rows,
    `| (both) | at most ${MAX_PHASE_POINTS} points in all | σ_b outer, σ_w inner: \`steps\` values evenly from \`from\` to \`to\` |`,
  ].join('\n');
}
