/**
 * Lecture mode: one section per screen in large type, arrow keys to move, controls that can be hidden.
 * Also the theme switch, since both are presentation state kept out of the URL's experiment.
 */
import { byId } from './dom';

const THEME_KEY = 'initlab-theme';

export class Presentation {
  private readonly sections = [...document.querySelectorAll<HTMLElement>('main > section')];
  private index = 0;

  constructor(private readonly onLayout: () => void) {
    const saved = localStorage.getItem(THEME_KEY);
    const dark = saved ? saved === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
    this.setTheme(dark ? 'dark' : 'light');
    byId('toggle-lecture').addEventListener('click', () => this.toggleLecture());
    byId('toggle-theme').addEventListener('click', () => this.toggleTheme());
    byId('toggle-controls').addEventListener('click', () => this.toggleControls());
    document.addEventListener('keydown', (e) => this.key(e));
    this.show(0);
  }

  get lecture(): boolean {
    return document.body.classList.contains('lecture');
  }

  toggleLecture(): void {
    // Enter on the section being read; leave with that section in view.
    const entering = !this.lecture;
    if (entering)
      this.index = Math.max(
        0,
        this.sections.findIndex((s) => s.getBoundingClientRect().bottom > 120),
      );
    document.body.classList.toggle('lecture');
    this.show(this.index);
    if (!entering) this.sections[this.index].scrollIntoView();
    this.onLayout();
  }

  toggleControls(): void {
    document.body.classList.toggle('controls-hidden');
    this.onLayout();
  }

  toggleTheme(): void {
    this.setTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark');
    localStorage.setItem(THEME_KEY, document.documentElement.dataset.theme!);
    this.onLayout();
  }

  private setTheme(theme: 'dark' | 'light'): void {
    document.documentElement.dataset.theme = theme;
  }

  private show(index: number): void {
    this.index = Math.min(this.sections.length - 1, Math.max(0, index));
    this.sections.forEach((s, i) => {
      s.classList.toggle('current', i === this.index);
    });
    const footer = document.querySelector<HTMLElement>('.lecture-footer')!;
    footer.textContent = `${this.index + 1} / ${this.sections.length} · ${this.sections[this.index].dataset.title ?? ''} · ← → to move, C controls, L to leave`;
    if (this.lecture) window.scrollTo(0, 0);
  }

  private key(e: KeyboardEvent): void {
    const target = e.target as HTMLElement;
    if (target.closest('input, select, textarea') || e.ctrlKey || e.metaKey || e.altKey) return;
    const key = e.key.toLowerCase();
    if (key === 'l') this.toggleLecture();
    else if (key === 't') this.toggleTheme();
    else if (key === 'c') this.toggleControls();
    else if (this.lecture && ['arrowright', 'pagedown', ' '].includes(key)) this.move(1, e);
    else if (this.lecture && ['arrowleft', 'pageup'].includes(key)) this.move(-1, e);
    else if (this.lecture && key === 'home') this.move(-this.sections.length, e);
    else if (this.lecture && key === 'end') this.move(this.sections.length, e);
  }

  private move(step: number, e: KeyboardEvent): void {
    e.preventDefault();
    this.show(this.index + step);
    this.onLayout();
  }
}
