/** The README's reference tables, generated from the code's tables so the docs cannot drift (`npm run docs`). */
import { scalarFields } from './configFields';
import { type Initializer, initializers } from './initializers';
import { referenceRows } from './schema';
import { TRAIN_SCHEMA } from './trainConfig';

export function configReference(): string {
  const rows = scalarFields.map((f) => {
    const allowed =
      f.type === 'enum'
        ? f.values.map((v) => `\`"${v}"\``).join(', ')
        : `${f.type === 'int' ? 'integer' : 'number'} ${f.min} … ${f.max}`;
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

export function trainReference(): string {
  const rows = referenceRows(TRAIN_SCHEMA, 'train').map(([path, allowed, fallback, meaning]) =>
    allowed === '' ? `| *${path}* | | | ${meaning} |` : `| \`${path}\` | ${allowed} | \`${fallback}\` | ${meaning} |`,
  );
  return ['| field | allowed | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/** Every generated table, by the name of its markers in the README (`<!-- name:start -->` … `<!-- name:end -->`). */
export const README_TABLES: { name: string; table: () => string }[] = [
  { name: 'config-reference', table: configReference },
  { name: 'initializer-reference', table: initializerReference },
  { name: 'train-reference', table: trainReference },
];
