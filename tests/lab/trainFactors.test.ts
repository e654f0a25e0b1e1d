/** Each trained matrix's factors (src/lab/training.ts): a bias whose output reaches the loss only through BatchNorm is not trained. */
import { describe, expect, it } from 'vitest';
import { formatError, parseConfig } from '../../src/lab/config';
import { trainFactors } from '../../src/lab/training';
import { trainMatrices } from '../../src/lab/trainWork';

function configOf(architecture: object, optimizer: 'sgd' | 'adam') {
  const parsed = parseConfig({ depth: 2, width: 8, architecture, train: { optimizer: { kind: optimizer } } });
  if (!parsed.ok) throw new Error(parsed.errors.map(formatError).join('; '));
  return parsed.config;
}

const roles = (architecture: object, optimizer: 'sgd' | 'adam') => {
  const c = configOf(architecture, optimizer);
  const factors = trainFactors(c, trainMatrices(c));
  return trainMatrices(c).map((m, i) => [m.role, factors[i].biasLr]);
};

describe('biases before BatchNorm', () => {
  it.each(['sgd', 'adam'] as const)('%s: a plain network trains only the readout’s bias', (optimizer) => {
    expect(roles({ norm: 'batch' }, optimizer)).toEqual([
      ['hidden', 0],
      ['hidden', 0],
      ['readout', 1],
    ]);
  });

  it('a residual network trains the biases of each W_{l,1} (read by φ, not N) and the readout’s only', () => {
    expect(roles({ kind: 'residual', norm: 'batch' }, 'adam')).toEqual([
      ['projection', 0],
      ['branchIn', 1],
      ['branchOut', 0],
      ['branchIn', 1],
      ['branchOut', 0],
      ['readout', 1],
    ]);
  });

  it('LayerNorm removes a row’s mean, not a unit’s: every bias trains', () => {
    for (const architecture of [{ norm: 'layer' }, { kind: 'residual', norm: 'layer' }, {}])
      expect(roles(architecture, 'adam').every(([, lr]) => lr === 1)).toBe(true);
  });
});
