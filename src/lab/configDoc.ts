/** The README's reference tables, generated from the code's tables so the docs cannot drift (`npm run docs`). */
import { NESTED_FIELDS, type NestedFieldName } from './config';
import { scalarFields } from './configFields';
import { MAX_PHASE_POINTS, MAX_PHASE_SIGMA, MAX_PHASE_STEPS, PHASE_AXES } from './configPhase';
import { type Initializer, initializers } from './initializers';
import { parametrizationRows } from './parametrization';
import { referenceRows } from './schema';

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

/** The fields of one of the config's nested objects (`train`, `parametrization`, `architecture`). */
export function nestedReference(name: NestedFieldName): string {
  const rows = referenceRows(NESTED_FIELDS[name], name).map(([path, allowed, fallback, meaning]) =>
    allowed === '' ? `| *${path}* | | | ${meaning} |` : `| \`${path}\` | ${allowed} | \`${fallback}\` | ${meaning} |`,
  );
  return ['| field | allowed | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/** The tables src/lab generates, by the name of its markers in the README (`<!-- name:start -->` … `<!-- name:end -->`). */
export const LAB_README_TABLES: { name: string; table: () => string }[] = [
  { name: 'config-reference', table: configReference },
  { name: 'initializer-reference', table: initializerReference },
  { name: 'train-reference', table: () => nestedReference('train') },
  { name: 'parametrization-reference', table: () => nestedReference('parametrization') },
  { name: 'parametrization-table', table: parametrizationTable },
  { name: 'architecture-reference', table: () => nestedReference('architecture') },
  { name: 'phase-reference', table: phaseReference },
];

/** The factors each parametrization applies per layer kind, as the page shows them (parametrization.ts). */
export function parametrizationTable(): string {
  const { header, rows } = parametrizationRows();
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
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
