/**
 * The colour theme: the system's (prefers-color-scheme), followed as it changes, until the reader picks one with T or
 * the theme button; the pick is remembered. Applied as this module loads, before the engines start, so that a reader
 * in dark mode is not shown the light page while WebGPU starts.
 */
type Theme = 'dark' | 'light';

const THEME_KEY = 'initlab-theme';
const systemDark = matchMedia('(prefers-color-scheme: dark)');

function chosen(): Theme | null {
  const saved = localStorage.getItem(THEME_KEY);
  return saved === 'dark' || saved === 'light' ? saved : null;
}

const current = (): Theme => (document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light');

function apply(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  document.getElementById('toggle-theme')?.setAttribute('aria-pressed', String(theme === 'dark'));
}

apply(chosen() ?? (systemDark.matches ? 'dark' : 'light'));

/** Calls `onChange` after the system's theme changed the page's. */
export function followSystemTheme(onChange: () => void): void {
  systemDark.addEventListener('change', () => {
    if (chosen()) return;
    apply(systemDark.matches ? 'dark' : 'light');
    onChange();
  });
}

export function toggleTheme(): void {
  const next = current() === 'dark' ? 'light' : 'dark';
  localStorage.setItem(THEME_KEY, next);
  apply(next);
}
