import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/cpu/cpuEngine';
import { pinnedCases, pinnedFigures } from '../fixtures/pinned';

describe('CPU engine numbers pinned', () => {
  for (const pinned of pinnedCases) {
    it(`${pinned.name}: every statistic, flag and histogram equals the pinned float64 result bit for bit`, async () => {
      const result = await new CpuEngine().run(pinned.config, pinned.options);
      expect(pinnedFigures(result, pinned.cpu.series)).toEqual(pinned.cpu.series);
    });
  }
});
