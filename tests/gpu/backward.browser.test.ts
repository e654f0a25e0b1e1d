import { afterAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { defaultConfig } from '../../src/lab/config';
import { agreement, config } from './agreement';

const engine = await GpuEngine.create();
afterAll(() => engine.dispose());

describe('GPU backward pass agrees with the float64 CPU reference', () => {
  it('on the seed experiment: all five σ, ∂L/∂Z and ∂L/∂W at all eight layers within 1e-4, σ = 1e-5 included', async () => {
    const { comparison, message } = await agreement(engine, defaultConfig(), { backward: true });
    expect(comparison.layers.every((l) => l.grad && l.weightGrad), 'every layer compares its gradients').toBe(true);
    expect(comparison.pass, message).toBe(true);
  });
});
