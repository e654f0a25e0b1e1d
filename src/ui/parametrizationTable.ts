/**
 * The per-layer table of the parametrizations on the page: the rows the README's generated table is made of
 * (parametrization.ts), so the page, the README and the engines hold one table. Lecture mode shows μP's rows alone,
 * the ones the section is about, since all nine rows do not fit beside the figure.
 */
import { parametrizationRows } from '../lab/parametrization';
import { el, tableRegion } from './dom';

function table(className: string, testid: string, caption: string, header: string[], rows: string[][]) {
  return el('table', { className, testid }, [
    el('caption', { text: caption }),
    el('thead', {}, [
      el(
        'tr',
        {},
        header.map((h) => el('th', { text: h, attrs: { scope: 'col' } })),
      ),
    ]),
    el(
      'tbody',
      {},
      rows.map((cells) =>
        el(
          'tr',
          {},
          cells.map((c, i) => el(i < 2 ? 'th' : 'td', { text: c, attrs: i < 2 ? { scope: 'row' } : {} })),
        ),
      ),
    ),
  ]);
}

export function renderParametrizationTable(host: HTMLElement): void {
  const { header, rows } = parametrizationRows();
  const caption =
    'Each factor multiplies what the standard parametrization does at the same width, as a power of m = width / baseWidth';
  const mup = rows.filter((r) => r[0] === 'mup').map((r) => r.slice(1));
  host.replaceChildren(
    tableRegion('The parametrizations, layer by layer', [
      table('layer-table lecture-hidden', 'parametrization-table', caption, header, rows),
      table(
        'layer-table lecture-only',
        'parametrization-summary',
        'μP, as factors over the standard parametrization',
        header.slice(1),
        mup,
      ),
    ]),
  );
}
