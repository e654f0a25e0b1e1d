/**
 * Lecture mode: one section per screen in large type, arrow keys to move, controls that can be hidden.
 * Also the keys and buttons of the theme and the controls, presentation state kept out of the URL's experiment.
 */
import { ControlsPanel } from './controlsPanel';
import { byId } from './dom';
import { followSystemTheme, toggleTheme } from './theme';

/** Elements whose own use of a key comes first: Space presses a button, arrows scroll a table's region. */
const OWN_SPACE = 'button, a[href], summary, [role="region"]';
const OWN_ARROWS = '[role="region"]';

export class Presentation {
  private readonly sections = [...document.querySelectorAll<HTMLElement>('main > section')];
  private readonly lectureButton = byId('toggle-lecture');
  private readonly controls: ControlsPanel;
  private index = 0;

  constructor(private readonly onLayout: () => void) {
    this.controls = new ControlsPanel(onLayout);
    followSystemTheme(onLayout);
    this.lectureButton.addEventListener('click', () => this.toggleLecture());
    byId('toggle-theme').addEventListener('click', () => this.switchTheme());
    byId('toggle-controls').addEventListener('click', () => this.controls.toggle());
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
    this.lectureButton.setAttribute('aria-pressed', String(entering));
    this.show(this.index);
    if (!entering) this.sections[this.index].scrollIntoView();
    this.onLayout();
  }

  switchTheme(): void {
    toggleTheme();
    this.onLayout();
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
    if ((key === ' ' && target.closest(OWN_SPACE)) || (key.startsWith('arrow') && target.closest(OWN_ARROWS))) return;
    if (key === 'l') this.toggleLecture();
    else if (key === 't') this.switchTheme();
    else if (key === 'c') this.controls.toggle();
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
