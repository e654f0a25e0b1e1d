/**
 * The per-layer table of the parametrizations on the page: the rows the README's generated table is made of
 * (parametrization.ts), so the page, the README and the engines hold one table. Lecture mode shows μP's rows alone,
 * the ones the section is about, a row per factor, since the nine rows of six factors do not fit beside the figure.
 */
import { parametrizationRows } from '../lab/parametrization';
import { el, tableHead, tableRegion } from './dom';

/** `heads`: the leading cells of a row that name it. */
function table(className: string, testid: string, caption: string, header: string[], rows: string[][], heads = 2) {
  return el('table', { className, testid }, [
    el('caption', { text: caption }),
    tableHead(header),
    el(
      'tbody',
      {},
      rows.map((cells) =>
        el(
          'tr',
          {},
          cells.map((c, i) => el(i < heads ? 'th' : 'td', { text: c, attrs: i < heads ? { scope: 'row' } : {} })),
        ),
      ),
    ),
  ]);
}

export function renderParametrizationTable(host: HTMLElement): void {
  const { header, rows } = parametrizationRows();
  const caption =
    'Each factor multiplies what the standard parametrization does at the same width, as a power of m = width / baseWidth';
  // μP by factor: the layers where it is not 1, in two columns narrow enough for a slide's text column.
  const mup = rows.filter((r) => r[0] === 'mup');
  const summary = header.slice(2).map((factor, i) => {
    const changed = mup.filter((r) => r[i + 2] !== '1').map((r) => `${r[1]} ×${r[i + 2]}`);
    return [factor, changed.length ? changed.join(', ') : '1 everywhere'];
  });
  host.replaceChildren(
    tableRegion('The parametrizations, layer by layer', [
      table('layer-table lecture-hidden', 'parametrization-table', caption, header, rows),
      table(
        'layer-table lecture-only parametrization-summary',
        'parametrization-summary',
        'μP, as factors over the standard parametrization',
        ['factor', 'layers where it is not 1'],
        summary,
        1,
      ),
    ]),
  );
}
