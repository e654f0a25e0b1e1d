import { describe, expect, it } from 'vitest';
import { displayParts } from '../../src/ui/math';

describe('display formulas split where a narrow column may wrap them', () => {
  it('splits at top-level \\qquad gaps, a run of them counting as one', () => {
    expect(
      displayParts('W \\sim \\mathcal{N}(0, \\sigma^2), \\qquad b = 0, \\qquad\\qquad \\sigma \\in \\{1, 2\\}'),
    ).toEqual(['W \\sim \\mathcal{N}(0, \\sigma^2),', 'b = 0,', '\\sigma \\in \\{1, 2\\}']);
  });

  it('never splits inside braces, \\left…\\right or an environment, nor at a command that only starts with qquad', () => {
    for (const whole of [
      '\\frac{a \\qquad b}{c}',
      '\\left( a \\qquad b \\right)',
      '\\begin{aligned} a \\qquad b \\end{aligned}',
      'a \\qquadx b',
    ])
      expect(displayParts(whole)).toEqual([whole]);
  });

  it('keeps a formula without gaps whole, and an escaped brace does not open a group', () => {
    expect(displayParts('\\operatorname{Var}[W] = \\frac{2}{n}')).toEqual(['\\operatorname{Var}[W] = \\frac{2}{n}']);
    expect(displayParts('\\{ a \\qquad b')).toEqual(['\\{ a', 'b']);
  });
});
