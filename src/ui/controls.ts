/**
 * The experiment's controls. Scalar controls come from the config field table; the σ list, the initializers, the
 * input and the engine are built here. Every change is validated by the lab's parser; a bad value is reported next
 * to the controls (field, value, allowed) and nothing runs until it is fixed.
 */
import { type ActivationName, activations } from '../lab/activations';
import { type ExperimentConfig, formatError, GRID_FIELDS, parseConfig } from '../lab/config';
import { type ScalarField, scalarFields } from '../lab/configFields';
import { type EngineChoice, engineChoices } from '../lab/engine';
import { type InitSpec, initializers, initKinds } from '../lab/initializers';
import { el } from './dom';
import { InputControls } from './inputControls';
import { formatNumberOrSpec, formatSweep, type LabState, parseNumberOrSpec, parseSweepText } from './urlState';

/** Initializers that need no parameter get a checkbox; the others are typed in the "more series" field. */
const CHECKBOX_KINDS = initKinds.filter(
  (k) => k !== 'normal' && initializers[k].fields.every((f) => f === 'gain' || f === 'mode'),
);
const isCheckbox = (s: InitSpec) =>
  (CHECKBOX_KINDS as string[]).includes(s.kind) && s.gain === undefined && s.mode === undefined;
const isSigma = (s: InitSpec) => s.kind === 'normal';

const roundSigma = (log10: number) => Number((10 ** log10).toPrecision(3));

/** Width and depth take a list too ("64, 128, 256": one network per value, grid.ts), so they are typed as text. */
const isGridField = (name: string) => (GRID_FIELDS as readonly string[]).includes(name);

function scalarControl(field: ScalarField, config: ExperimentConfig): HTMLInputElement | HTMLSelectElement {
  const value = config[field.name];
  if (isGridField(field.name)) {
    const list = config.axes[field.name as (typeof GRID_FIELDS)[number]];
    return el('input', {
      testid: `control-${field.name}`,
      attrs: { name: field.name, type: 'text', value: (list ?? [value]).join(', '), class: 'grid-value' },
    });
  }
  if (field.type === 'enum') {
    const select = el(
      'select',
      { testid: `control-${field.name}`, attrs: { name: field.name } },
      field.values.map((v) => el('option', { text: v, attrs: { value: v } })),
    );
    select.value = String(value);
    return select;
  }
  if (field.random) {
    // A number, or the bias initializer in the URL's words: a text field takes both.
    return el('input', {
      testid: `control-${field.name}`,
      attrs: {
        name: field.name,
        type: 'text',
        placeholder: '0 or normal:sigma=0.05',
        value: formatNumberOrSpec(value),
      },
    });
  }
  return el('input', {
    testid: `control-${field.name}`,
    attrs: {
      name: field.name,
      type: 'number',
      min: String(field.min),
      max: String(field.max),
      step: field.type === 'int' ? '1' : 'any',
      value: String(value),
    },
  });
}

export class Controls {
  private readonly sigmaList = el('div', { className: 'sigma-list', testid: 'sigma-list' });
  private readonly errors = el('div', {
    className: 'control-errors',
    testid: 'control-errors',
    attrs: { role: 'alert' },
  });
  private readonly scalars = new Map<string, HTMLInputElement | HTMLSelectElement>();
  private readonly checks = new Map<string, HTMLInputElement>();
  private readonly more = el('input', {
    testid: 'control-more-series',
    attrs: { type: 'text', placeholder: 'uniform:a=0.3;constant:value=0.1' },
  });
  private readonly input = new InputControls();
  private readonly engine = el('select', { testid: 'control-engine', attrs: { 'aria-label': 'Engine' } });
  private readonly activationNote = el('p', { className: 'control-note', testid: 'activation-summary' });
  private readonly labels = new Map<string, HTMLElement>();
  /** The training settings: set by the training section's controls (setTrain), carried through every change here. */
  private train: ExperimentConfig['train'];

  constructor(
    host: HTMLElement,
    state: LabState,
    gpuAvailable: boolean,
    /** Said beside the engine choice: an emulated GPU, say. */
    gpuNote: string | null,
    private readonly onChange: (state: LabState) => void,
  ) {
    this.train = state.config.train;
    const form = el('form', { className: 'controls-form', attrs: { novalidate: '' } });
    form.addEventListener('submit', (e) => e.preventDefault());
    form.addEventListener('input', () => {
      this.describeActivation();
      this.changed();
    });

    const sigmas = state.config.sweep.filter(isSigma).map((s) => s.sigma!);
    sigmas.forEach((s) => {
      this.addSigma(s);
    });
    const addButton = el('button', { text: '+ σ', testid: 'add-sigma', attrs: { type: 'button', title: 'Add a σ' } });
    addButton.addEventListener('click', () => {
      this.addSigma(0.1);
      this.changed();
    });
    form.append(el('fieldset', {}, [el('legend', { text: 'W ~ N(0, σ²): σ per series' }), this.sigmaList, addButton]));

    const inits = el('fieldset', {}, [el('legend', { text: 'Initializers' })]);
    for (const kind of CHECKBOX_KINDS) {
      const box = el('input', { testid: `control-init-${kind}`, attrs: { type: 'checkbox', value: kind } });
      box.checked = state.config.sweep.some((s) => s.kind === kind && isCheckbox(s));
      this.checks.set(kind, box);
      const summary = el('span', {
        className: 'init-summary',
        text: initializers[kind].summary,
        testid: `init-summary-${kind}`,
      });
      inits.append(el('label', { className: 'check' }, [box, el('span', {}, [initializers[kind].title, summary])]));
    }
    this.more.value = formatSweep(state.config.sweep.filter((s) => !isSigma(s) && !isCheckbox(s)));
    inits.append(el('label', { className: 'wide', text: 'More series ' }, [this.more]));
    // The kinds with a parameter are typed in the field above (normal also has the σ list); their summaries go under it.
    for (const kind of initKinds.filter((k) => !CHECKBOX_KINDS.includes(k))) {
      inits.append(
        el('span', { className: 'init-summary', testid: `init-summary-${kind}` }, [
          el('code', { text: `${kind}:${initializers[kind].fields.map((f) => `${f}=…`).join(',')}` }),
          ` ${initializers[kind].summary}`,
        ]),
      );
    }
    form.append(inits);

    const network = el('fieldset', {}, [el('legend', { text: 'Network and run' })]);
    for (const field of scalarFields) {
      const control = scalarControl(field, state.config);
      this.scalars.set(field.name, control);
      const title = isGridField(field.name)
        ? `${field.description}; or a list, 64, 128, 256: a network at each`
        : field.description;
      const label = el('label', { attrs: { title } }, [`${field.name} `, control]);
      this.labels.set(field.name, label);
      network.append(label);
      if (field.name === 'activation') network.append(this.activationNote);
    }
    form.append(network);
    this.describeActivation();
    form.append(this.input.fieldset(state.config));

    for (const choice of engineChoices) {
      const option = el('option', {
        text: { gpu: 'GPU (WebGPU, float32)', cpu: 'CPU (float64, worker)', both: 'both: GPU, checked by CPU' }[choice],
        attrs: { value: choice },
      });
      option.disabled = choice !== 'cpu' && !gpuAvailable;
      this.engine.append(option);
    }
    this.engine.value = state.engine;
    const note = gpuNote ? [el('p', { className: 'control-note', testid: 'gpu-note', text: gpuNote })] : [];
    form.append(el('fieldset', {}, [el('legend', { text: 'Engine' }), this.engine, ...note]));
    host.replaceChildren(form, this.errors);
  }

  private addSigma(sigma: number): void {
    const slider = el('input', { attrs: { type: 'range', min: '-6', max: '1', step: '0.01' } });
    const text = el('input', { className: 'sigma-value', attrs: { type: 'text' } });
    const remove = el('button', { text: '×', attrs: { type: 'button', title: 'Remove this σ' } });
    const row = el('div', { className: 'sigma-row', testid: 'sigma-row', attrs: { role: 'group' } }, [
      slider,
      text,
      remove,
    ]);
    // A screen reader hears the σ itself, not its logarithm.
    const speakSigma = () => slider.setAttribute('aria-valuetext', `σ = ${text.value}`);
    slider.value = String(Math.log10(sigma));
    text.value = String(sigma);
    speakSigma();
    slider.addEventListener('input', () => {
      text.value = String(roundSigma(Number(slider.value)));
      speakSigma();
    });
    text.addEventListener('input', () => {
      const v = Number(text.value);
      if (Number.isFinite(v) && v > 0) slider.value = String(Math.log10(v));
      speakSigma();
    });
    remove.addEventListener('click', () => {
      row.remove();
      this.nameSigmaRows();
      this.changed();
    });
    this.sigmaList.append(row);
    this.nameSigmaRows();
  }

  /** Each σ row's controls are named by the series they set, renumbered when a row goes. */
  private nameSigmaRows(): void {
    this.sigmaList.querySelectorAll('.sigma-row').forEach((row, i) => {
      const [slider, text, remove] = row.children;
      row.setAttribute('aria-label', `σ of series ${i + 1}`);
      slider.setAttribute('aria-label', `σ of series ${i + 1}, on a log scale`);
      text.setAttribute('aria-label', `σ of series ${i + 1}`);
      remove.setAttribute('aria-label', `Remove series ${i + 1}`);
    });
  }

  /** The chosen activation's formula and PyTorch gain; the slope control only where it applies. */
  private describeActivation(): void {
    const name = this.scalars.get('activation')!.value as ActivationName;
    const slope = Number(this.scalars.get('slope')!.value);
    const activation = activations[name];
    const gain = activation.gain({ slope: Number.isFinite(slope) ? slope : 0 });
    this.activationNote.textContent = `${activation.summary}. Gain ${gain.toPrecision(4)}.`;
    this.labels.get('slope')!.hidden = name !== 'leaky-relu';
  }

  /** New training settings (already validated), applied with the rest of the panel as any change is. */
  setTrain(train: ExperimentConfig['train']): void {
    this.train = train;
    this.changed();
  }

  /** Puts a network into the controls as if the reader had set it: its activation, bias and series (a phase point). */
  load(network: Pick<ExperimentConfig, 'activation' | 'bias' | 'sweep'>): void {
    this.scalars.get('activation')!.value = network.activation;
    this.scalars.get('bias')!.value = formatNumberOrSpec(network.bias);
    this.sigmaList.replaceChildren();
    for (const s of network.sweep.filter(isSigma)) this.addSigma(s.sigma!);
    for (const [kind, box] of this.checks) box.checked = network.sweep.some((s) => s.kind === kind && isCheckbox(s));
    this.more.value = formatSweep(network.sweep.filter((s) => !isSigma(s) && !isCheckbox(s)));
    this.describeActivation();
    this.changed();
  }

  /** Switches the engine as if the user had chosen it. */
  setEngine(choice: EngineChoice): void {
    this.engine.value = choice;
    this.changed();
  }

  private raw(): Record<string, unknown> {
    const number = (text: string) => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);
    const raw: Record<string, unknown> = {};
    for (const field of scalarFields) {
      const value = this.scalars.get(field.name)!.value;
      raw[field.name] =
        field.type === 'enum'
          ? value
          : isGridField(field.name) && value.includes(',')
            ? value.split(',').map(number)
            : field.random
              ? parseNumberOrSpec(value)
              : number(value);
    }
    raw.input = this.input.raw();
    const sigmas = [...this.sigmaList.querySelectorAll<HTMLInputElement>('.sigma-value')].map((t) => ({
      kind: 'normal',
      sigma: number(t.value),
    }));
    const checked = CHECKBOX_KINDS.filter((k) => this.checks.get(k)!.checked).map((kind) => ({ kind }));
    raw.sweep = [...sigmas, ...checked, ...parseSweepText(this.more.value)];
    raw.train = this.train;
    return raw;
  }

  private changed(): void {
    const raw = this.raw();
    const sweep = raw.sweep as unknown[];
    const parsed = sweep.length
      ? parseConfig(raw)
      : {
          ok: false as const,
          errors: [{ field: 'sweep', value: '(none)', allowed: 'at least one series: a σ or an initializer' }],
        };
    if (!parsed.ok) {
      this.errors.replaceChildren(...parsed.errors.map((e) => el('p', { text: formatError(e) })));
      return;
    }
    this.errors.replaceChildren();
    this.onChange({ config: parsed.config, engine: this.engine.value as EngineChoice });
  }
}
