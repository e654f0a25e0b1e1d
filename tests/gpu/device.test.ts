import { describe, expect, it } from 'vitest';
import { isEmulatedAdapter } from '../../src/gpu/device';

describe('honest adapters', () => {
  it('knows the CPU emulations by the fallback flag or by name, and a real GPU by neither', () => {
    expect(isEmulatedAdapter({ description: 'google / swiftshader' })).toBe(true);
    expect(isEmulatedAdapter({ description: 'mesa / llvmpipe' })).toBe(true);
    expect(isEmulatedAdapter({ description: 'mesa / lavapipe' })).toBe(true);
    expect(isEmulatedAdapter({ isFallbackAdapter: true, description: 'some vendor' })).toBe(true);
    expect(isEmulatedAdapter({ isFallbackAdapter: false, description: 'nvidia / hopper' })).toBe(false);
    expect(isEmulatedAdapter({ description: 'apple / metal-3' })).toBe(false);
  });
});
