import { afterAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../../src/gpu/gpuEngine';
import { compareRuns } from '../../src/lab/compare';
import type { RunResult } from '../../src/lab/results';
import { pinnedCases, pinnedFigures } from '../fixtures/pinned';

const engine = await GpuEngine.create();
afterAll(() => engine.dispose());

/** Another adapter rounds differently: there the pinned numbers hold to the engines' agreement bar instead. */
const OTHER_ADAPTER_TOLERANCE = 1e-4;

describe('GPU engine numbers pinned', () => {
  for (const pinned of pinnedCases) {
    it(`${pinned.name}: on the adapter it was recorded on, equals the pinned float32 result bit for bit`, async () => {
      const result = await engine.run(pinned.config, pinned.options);
      if (engine.device === pinned.device) {
        expect(pinnedFigures(result, pinned.gpu.series)).toEqual(pinned.gpu.series);
        return;
      }
      const reference = { ...result, series: pinned.gpu.series } as RunResult;
      const comparison = compareRuns(reference, result, { statistic: OTHER_ADAPTER_TOLERANCE });
      expect(comparison.pass, JSON.stringify(comparison.worst)).toBe(true);
    });
  }
});
