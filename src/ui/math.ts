/** Typesets the page's own TeX (elements with class "tex"); a formula KaTeX rejects shows as its source text. */
import katex from 'katex';

export function renderMath(root: HTMLElement): void {
  for (const node of root.querySelectorAll<HTMLElement>('.tex')) {
    katex.render(node.textContent ?? '', node, {
      displayMode: node.classList.contains('display'),
      throwOnError: false,
    });
  }
}
