/** The input's controls: a fixed X, or a random batch (normal, uniform, or pairs with their correlation c₀). */
import { DEFAULT_RANDOM_INPUT, type ExperimentConfig, SEED_INPUT } from '../lab/config';
import { el } from './dom';
import { parseInputText } from './urlState';

/** A number where the text is one, else the text itself, so that an error can quote it. */
const number = (text: string) => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);

export class InputControls {
  private readonly fixedRadio = el('input', { attrs: { type: 'radio', name: 'input-kind', value: 'fixed' } });
  private readonly randomRadio = el('input', { attrs: { type: 'radio', name: 'input-kind', value: 'random' } });
  private readonly inputValues = el('input', {
    testid: 'control-input-values',
    attrs: { type: 'text', 'aria-label': 'fixed X: the input values' },
  });
  private readonly distribution = el(
    'select',
    {
      testid: 'control-input-distribution',
      attrs: { 'aria-label': 'random batch: the distribution' },
    },
    [
      el('option', { text: 'normal N(0,1)', attrs: { value: 'normal' } }),
      el('option', { text: 'uniform U(−1,1)', attrs: { value: 'uniform' } }),
      el('option', { text: 'pairs of N(0,1) rows', attrs: { value: 'pairs' } }),
    ],
  );
  /** A pairs input's correlation c₀, shown only for pairs. */
  private readonly correlation = el('input', {
    testid: 'control-input-correlation',
    attrs: { type: 'number', min: '-1', max: '1', step: '0.05' },
  });
  private readonly correlationLabel = el('label', {}, ['pair correlation c₀ ', this.correlation]);
  private readonly batch = el('input', {
    testid: 'control-input-batch',
    attrs: { type: 'number', min: '1', step: '1' },
  });
  private readonly inputWidth = el('input', {
    testid: 'control-input-width',
    attrs: { type: 'number', min: '1', step: '1' },
  });

  /** The fieldset, set to the config's input. */
  fieldset(config: ExperimentConfig): HTMLElement {
    const input = config.input;
    const fixed = 'values' in input;
    this.fixedRadio.checked = fixed;
    this.randomRadio.checked = !fixed;
    this.inputValues.value = (fixed ? input.values : SEED_INPUT).join(', ');
    this.distribution.value = fixed ? DEFAULT_RANDOM_INPUT.distribution : input.distribution;
    this.batch.value = String(fixed ? DEFAULT_RANDOM_INPUT.batch : input.batch);
    this.inputWidth.value = String(fixed ? DEFAULT_RANDOM_INPUT.width : input.width);
    this.correlation.value = String(!fixed && input.distribution === 'pairs' ? input.correlation : 0.5);
    this.showCorrelation();
    this.distribution.addEventListener('change', () => this.showCorrelation());
    return el('fieldset', {}, [
      el('legend', { text: 'Input' }),
      el('label', { className: 'wide' }, [this.fixedRadio, ' fixed X ', this.inputValues]),
      el('label', { className: 'wide' }, [this.randomRadio, ' random batch ', this.distribution]),
      el('label', {}, ['batch ', this.batch]),
      el('label', {}, ['width ', this.inputWidth]),
      this.correlationLabel,
    ]);
  }

  private showCorrelation(): void {
    this.correlationLabel.hidden = this.distribution.value !== 'pairs';
  }

  /** The input as the controls hold it, unchecked: the config parser judges it. */
  raw(): unknown {
    return this.fixedRadio.checked
      ? parseInputText(this.inputValues.value.replace(/\s+/g, ''))
      : {
          distribution: this.distribution.value,
          batch: number(this.batch.value),
          width: number(this.inputWidth.value),
          ...(this.distribution.value === 'pairs' ? { correlation: number(this.correlation.value) } : {}),
        };
  }
}
