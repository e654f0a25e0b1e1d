/**
 * The width section's own controls: which parametrizations, the network, the coordinate check's and the transfer's
 * grids, and what the panels show. Every change hands the whole form to the section, which checks it with the lab's
 * parser (widthSettings.ts) and reports a bad value here, naming the control, the value and what is allowed.
 */
import type { ParametrizationKind } from '../lab/parametrization';
import { el } from './dom';
import { formOf, KINDS, type WidthForm, type WidthSettings } from './widthSettings';
import { COORD_MEASURES, COORD_VIEWS, type WidthView } from './widthUrl';

const KIND_TITLES: Record<ParametrizationKind, string> = { standard: 'standard (SP)', ntk: 'NTK', mup: 'μP' };
const VIEW_TITLES: Record<string, string> = {
  change: 'Z at step 0, then its change Z − Z₀',
  pre: 'Z at every step',
  post: 'φ(Z) at every step',
  meanAbs: 'mean |x| (mup’s l1)',
  rms: 'root mean square',
};
type TextKey = Exclude<keyof WidthForm, 'kinds' | 'readoutZero'>;

export class WidthControls {
  private readonly inputs = new Map<TextKey, HTMLInputElement | HTMLSelectElement>();
  private readonly kindBoxes = new Map<ParametrizationKind, HTMLInputElement>();
  private readonly readoutZero = el('input', { testid: 'width-readoutZero', attrs: { type: 'checkbox' } });
  private readonly viewSelects: Record<keyof WidthView, HTMLSelectElement>;
  readonly errors = el('div', { className: 'control-errors', testid: 'width-errors', attrs: { role: 'alert' } });

  constructor(
    host: HTMLElement,
    settings: WidthSettings,
    view: WidthView,
    onForm: (form: WidthForm) => void,
    onView: (view: WidthView) => void,
  ) {
    const form = formOf(settings);
    const changed = () => onForm(this.read());
    const kinds = el('fieldset', { className: 'width-kinds' }, [el('legend', { text: 'Parametrizations' })]);
    for (const kind of KINDS) {
      const box = el('input', { testid: `width-kind-${kind}`, attrs: { type: 'checkbox', value: kind } });
      box.checked = form.kinds.includes(kind);
      this.kindBoxes.set(kind, box);
      kinds.append(el('label', { className: 'check' }, [box, ` ${KIND_TITLES[kind]}`]));
    }
    this.readoutZero.checked = form.readoutZero;
    const field = (key: TextKey, label: string, options?: readonly string[]) => {
      const input = options
        ? el(
            'select',
            { testid: `width-${key}` },
            options.map((o) => el('option', { text: o, attrs: { value: o } })),
          )
        : el('input', { testid: `width-${key}`, attrs: { type: 'text', size: key.endsWith('s') ? '22' : '6' } });
      input.value = form[key];
      this.inputs.set(key, input);
      return el('label', {}, [`${label} `, input]);
    };
    const network = el('fieldset', {}, [
      el('legend', { text: 'Network' }),
      field('depth', 'hidden layers'),
      field('baseWidth', 'base width'),
      el('label', { className: 'check' }, [this.readoutZero, ' readout starts at 0']),
    ]);
    const coord = el('fieldset', {}, [
      el('legend', { text: 'Coordinate check' }),
      field('coordWidths', 'widths'),
      field('coordSteps', 'steps'),
      field('coordOptimizer', 'optimizer', ['sgd', 'adam']),
      field('coordLr', 'learning rate'),
    ]);
    const transfer = el('fieldset', {}, [
      el('legend', { text: 'Learning-rate transfer' }),
      field('transferWidths', 'widths'),
      field('transferLrs', 'learning rates'),
      field('transferSteps', 'steps'),
      field('transferOptimizer', 'optimizer', ['sgd', 'adam']),
    ]);
    const select = (key: keyof WidthView, label: string, values: readonly string[]) => {
      const node = el(
        'select',
        { testid: `width-${key}` },
        values.map((v) => el('option', { text: VIEW_TITLES[v], attrs: { value: v } })),
      );
      node.value = view[key];
      node.addEventListener('change', () => onView(this.view()));
      return { node, label: el('label', {}, [`${label} `, node]) };
    };
    const quantity = select('quantity', 'panels show', COORD_VIEWS);
    const measure = select('measure', 'size of a coordinate', COORD_MEASURES);
    this.viewSelects = { quantity: quantity.node, measure: measure.node };
    const shown = el('fieldset', {}, [
      el('legend', { text: 'Coordinate check: what is drawn' }),
      quantity.label,
      measure.label,
    ]);
    const all = el('div', { className: 'width-form' }, [kinds, network, coord, transfer, shown]);
    all.addEventListener('change', (e) => {
      if (!Object.values(this.viewSelects).includes(e.target as HTMLSelectElement)) changed();
    });
    host.replaceChildren(all, this.errors);
  }

  read(): WidthForm {
    const text = (key: TextKey) => this.inputs.get(key)!.value;
    return {
      kinds: KINDS.filter((k) => this.kindBoxes.get(k)!.checked),
      readoutZero: this.readoutZero.checked,
      depth: text('depth'),
      baseWidth: text('baseWidth'),
      coordWidths: text('coordWidths'),
      coordSteps: text('coordSteps'),
      coordOptimizer: text('coordOptimizer') as WidthForm['coordOptimizer'],
      coordLr: text('coordLr'),
      transferWidths: text('transferWidths'),
      transferLrs: text('transferLrs'),
      transferSteps: text('transferSteps'),
      transferOptimizer: text('transferOptimizer') as WidthForm['transferOptimizer'],
    };
  }

  view(): WidthView {
    return {
      quantity: this.viewSelects.quantity.value as WidthView['quantity'],
      measure: this.viewSelects.measure.value as WidthView['measure'],
    };
  }

  showErrors(errors: string[]): void {
    this.errors.replaceChildren(...errors.map((e) => el('p', { text: e })));
  }
}
