/**
 * The training section's controls, generated from the config's `train` table (TRAIN_SCHEMA): a variant field is a
 * choice of its kinds with the chosen kind's own fields, a number an input, a boolean a checkbox, so a field added to
 * the table appears here by itself. Every change is checked by the config parser; a bad value is said beside the
 * controls in the parser's words (field, value, what is allowed) and nothing changes until it is fixed.
 */
import { formatError, parseConfig } from '../lab/config';
import type { ValueSpec, VariantSpec } from '../lab/schema';
import { TRAIN_SCHEMA, type TrainConfig } from '../lab/trainConfig';
import { el } from './dom';

type Raw = Record<string, unknown>;

/** A number where the text is one, else the text itself, so that the error can quote what was typed. */
const numberOrText = (text: string) => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);

const kindDefaults = (spec: VariantSpec, kind: string): Raw => ({
  kind,
  ...Object.fromEntries(Object.entries(spec.kinds[kind].fields).map(([k, f]) => [k, f.default])),
});

export class TrainControls {
  private readonly form = el('form', { className: 'train-controls', attrs: { novalidate: '' } });
  private readonly errors = el('div', {
    className: 'control-errors',
    testid: 'train-errors',
    attrs: { role: 'alert' },
  });
  private readonly inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  /** The settings the controls show, as the parser returned them. */
  private shown: TrainConfig | null = null;

  constructor(
    host: HTMLElement,
    private readonly onChange: (train: TrainConfig) => void,
  ) {
    this.form.addEventListener('submit', (e) => e.preventDefault());
    this.form.addEventListener('input', (e) => {
      // A new kind brings its own fields, at their defaults.
      const target = e.target as HTMLElement;
      const field = target.dataset.kindOf;
      if (field) {
        this.render({ ...this.read(), [field]: this.kindChosen(target) });
        this.inputs.get(`${field}.kind`)?.focus();
      }
      this.changed();
    });
    host.append(
      el('fieldset', { className: 'train-fieldset' }, [el('legend', { text: 'Training settings' }), this.form]),
      this.errors,
    );
  }

  /** Shows `train` unless the controls already do: typing is never interrupted by its own echo. */
  show(train: TrainConfig): void {
    if (JSON.stringify(train) === JSON.stringify(this.shown)) return;
    this.render(train as unknown as Raw);
    this.shown = train;
    this.errors.replaceChildren();
  }

  private kindChosen(select: HTMLElement): Raw {
    const field = select.dataset.kindOf!;
    const spec = TRAIN_SCHEMA.fields[field] as VariantSpec;
    return kindDefaults(spec, (select as HTMLSelectElement).value);
  }

  private render(train: Raw): void {
    this.inputs.clear();
    const groups = Object.entries(TRAIN_SCHEMA.fields).map(([key, spec]) => {
      if (spec.type !== 'variant') return this.control(key, spec, train[key]);
      const value = train[key] as Raw;
      const kind = el(
        'select',
        { testid: `train-${key}-kind`, attrs: { 'data-kind-of': key, name: `train.${key}.kind` } },
        Object.keys(spec.kinds).map((k) => el('option', { text: k, attrs: { value: k } })),
      );
      kind.value = String(value.kind);
      this.inputs.set(`${key}.kind`, kind);
      const fields = Object.entries(spec.kinds[String(value.kind)].fields).map(([name, f]) =>
        this.control(`${key}.${name}`, f, value[name]),
      );
      return el('div', { className: 'train-group' }, [
        el('label', { attrs: { title: spec.description } }, [`${key} `, kind]),
        ...fields,
      ]);
    });
    this.form.replaceChildren(...groups);
  }

  private control(path: string, spec: ValueSpec, value: unknown): HTMLElement {
    const name = `train.${path}`;
    const testid = `train-${path.replace('.', '-')}`;
    let input: HTMLInputElement | HTMLSelectElement;
    if (spec.type === 'enum') {
      input = el(
        'select',
        { testid, attrs: { name } },
        spec.values.map((v) => el('option', { text: v, attrs: { value: v } })),
      );
      input.value = String(value);
    } else if (spec.type === 'boolean') {
      input = el('input', { testid, attrs: { name, type: 'checkbox' } });
      input.checked = value === true;
    } else {
      const step = spec.type === 'int' ? '1' : 'any';
      input = el('input', {
        testid,
        attrs: { name, type: 'number', min: String(spec.min), max: String(spec.max), step },
      });
      input.value = String(value);
    }
    this.inputs.set(path, input);
    const label = path.split('.').at(-1)!;
    return el('label', { attrs: { title: spec.description } }, [`${label} `, input]);
  }

  /** The controls' values as the raw object the parser reads. */
  private read(): Raw {
    const raw: Raw = {};
    for (const [path, input] of this.inputs) {
      const value =
        input instanceof HTMLInputElement && input.type === 'checkbox'
          ? input.checked
          : input instanceof HTMLInputElement
            ? numberOrText(input.value)
            : input.value;
      const [head, tail] = path.split('.');
      if (tail === undefined) raw[head] = value;
      else raw[head] = { ...(raw[head] as Raw), [tail]: value };
    }
    return raw;
  }

  private changed(): void {
    const parsed = parseConfig({ train: this.read() });
    if (!parsed.ok) {
      this.errors.replaceChildren(...parsed.errors.map((e) => el('p', { text: formatError(e) })));
      return;
    }
    this.errors.replaceChildren();
    this.shown = parsed.config.train;
    this.onChange(parsed.config.train);
  }
}
