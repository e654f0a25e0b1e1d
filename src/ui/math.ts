/**
 * Typesets the page's own TeX (elements with class "tex"); a formula KaTeX rejects shows as its source text.
 * A display formula is typeset part by part, its parts being what its top-level \qquad gaps set apart, so that a narrow
 * column (a phone, the prose beside a lecture figure) wraps it between parts; a part still wider than its column is
 * scaled down until it fits.
 */
import katex from 'katex';

/** Smaller than this a formula is no longer read comfortably: it stops shrinking and scrolls sideways instead. */
const MIN_SCALE = 0.6;

/** Commands that open and close a group that a \qquad inside must not split. */
const OPENERS = new Set(['left', 'begin']);
const CLOSERS = new Set(['right', 'end']);

/** The formula's parts between its top-level \qquad gaps (outside braces, \left…\right and environments). */
export function displayParts(tex: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < tex.length; i++) {
    const c = tex[i];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === '\\') {
      const name = /^[a-zA-Z]*/.exec(tex.slice(i + 1))![0];
      if (name === 'qquad' && depth === 0) {
        parts.push(tex.slice(start, i));
        start = i + 1 + name.length;
      } else if (OPENERS.has(name)) depth++;
      else if (CLOSERS.has(name)) depth--;
      // A command name, or the one escaped character of \{ \, and the like.
      i += Math.max(name.length, 1);
    }
  }
  parts.push(tex.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

export function renderMath(root: HTMLElement): void {
  const fitter = new ResizeObserver((entries) => {
    // Fitted in the next frame: resizing what a ResizeObserver watches, inside its callback, would loop.
    requestAnimationFrame(() => {
      for (const entry of entries) fitDisplay(entry.target as HTMLElement);
    });
  });
  const displays: HTMLElement[] = [];
  for (const node of root.querySelectorAll<HTMLElement>('.tex')) {
    const source = node.textContent ?? '';
    if (!node.classList.contains('display')) {
      katex.render(source, node, { throwOnError: false });
      continue;
    }
    node.replaceChildren(
      ...displayParts(source).map((part) => {
        const span = document.createElement('span');
        span.className = 'tex-part';
        katex.render(part, span, { displayMode: true, throwOnError: false });
        return span;
      }),
    );
    fitter.observe(node);
    displays.push(node);
  }
  // KaTeX's fonts arrive after the first layout and change every formula's width.
  document.fonts.ready.then(() => {
    displays.forEach(fitDisplay);
  });
}

/** Scales each part of one display formula to its column; one that cannot fit becomes a focusable scrolling region. */
function fitDisplay(node: HTMLElement): void {
  const column = node.clientWidth;
  if (column === 0) return; // not laid out: a lecture slide not shown
  for (const formula of node.querySelectorAll<HTMLElement>('.katex-display')) {
    formula.style.fontSize = '';
    const natural = formula.scrollWidth;
    const scale = natural > column ? Math.floor((column / natural) * 1000) / 1000 : 1;
    formula.style.fontSize = scale < 1 ? `${Math.max(scale, MIN_SCALE)}em` : '';
    const scrolls = scale < MIN_SCALE;
    formula.classList.toggle('scrolls', scrolls);
    if (scrolls) {
      formula.tabIndex = 0;
      formula.setAttribute('role', 'region');
      formula.setAttribute('aria-label', 'Formula, scrolls sideways');
    } else {
      for (const name of ['tabindex', 'role', 'aria-label']) formula.removeAttribute(name);
    }
  }
}
