/**
 * Where the controls sit. On a wide screen, a column beside the explainer that C or the Controls button hides. On a
 * narrow one, a drawer over the page, closed until the Controls button opens it, so that a phone starts with the
 * explainer; while it is open the page behind it is inert, and Escape or its Close button gives focus back.
 */
import { byId } from './dom';

/** The width below which styles.css lays the page out in one column with the controls in a drawer. */
const NARROW = matchMedia('(max-width: 900px)');

export class ControlsPanel {
  private readonly panel = byId('controls');
  private readonly button = byId('toggle-controls');
  private readonly behind = [document.querySelector('header')!, byId('doc')];

  constructor(private readonly onLayout: () => void) {
    this.setOpen(!NARROW.matches);
    NARROW.addEventListener('change', () => this.setOpen(!NARROW.matches));
    byId('close-controls').addEventListener('click', () => this.closeDrawer());
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && NARROW.matches) this.closeDrawer();
    });
  }

  toggle(): void {
    const open = document.body.dataset.controls !== 'open';
    this.setOpen(open);
    // On a narrow screen focus goes with the drawer: into it as it opens, back to its button as it closes.
    if (NARROW.matches) (open ? this.panel : this.button).focus();
    this.onLayout();
  }

  private closeDrawer(): void {
    if (document.body.dataset.controls === 'open') this.toggle();
  }

  private setOpen(open: boolean): void {
    document.body.dataset.controls = open ? 'open' : 'closed';
    this.button.setAttribute('aria-expanded', String(open));
    for (const node of this.behind) node.inert = open && NARROW.matches;
  }
}
