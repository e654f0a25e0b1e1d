/** Tiny DOM helpers. Text always goes in through textContent, never as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; testid?: string; attrs?: Record<string, string> } = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.testid) node.dataset.testid = props.testid;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

/** A table's head: one row of column headers. */
export function tableHead(headers: string[]): HTMLTableSectionElement {
  return el('thead', {}, [
    el(
      'tr',
      {},
      headers.map((h) => el('th', { text: h, attrs: { scope: 'col' } })),
    ),
  ]);
}

/**
 * A wrapper that scrolls its table sideways when the column is narrower: a labelled region that the keyboard can
 * focus, so that arrow keys scroll it.
 */
export function tableRegion(label: string, children: Node[] = [], id?: string): HTMLDivElement {
  return el(
    'div',
    { className: 'table-wrap', attrs: { role: 'region', 'aria-label': label, tabindex: '0', ...(id ? { id } : {}) } },
    children,
  );
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The page is missing #${id}.`);
  return node as T;
}

export function download(name: string, href: string): void {
  const link = el('a', { attrs: { href, download: name } });
  document.body.append(link);
  link.click();
  link.remove();
}

export function downloadText(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  download(name, url);
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
