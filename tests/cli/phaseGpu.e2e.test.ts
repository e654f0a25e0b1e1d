import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PHASE_CONFIG, phase } from './phaseCommand';

const dir = mkdtempSync(join(tmpdir(), 'initlab-phase-gpu-'));

describe('npm run phase on the GPU engine (headless Chromium)', () => {
  it('measures every network at once and writes the grid the CPU writes, within float32 rounding', async () => {
    const path = join(dir, 'relu.json');
    writeFileSync(path, JSON.stringify(PHASE_CONFIG));
    const [gpuOut, cpuOut] = [join(dir, 'gpu.json'), join(dir, 'cpu.json')];
    const gpu = await phase(path, '--engine', 'gpu', '--out', gpuOut);
    expect(gpu.code, gpu.stderr).toBe(0);
    expect((await phase(path, '--out', cpuOut)).code).toBe(0);
    const [g, c] = [gpuOut, cpuOut].map((f) => JSON.parse(readFileSync(f, 'utf8')));
    expect(g.engine).toBe('gpu');
    expect(typeof g.device).toBe('string');
    c.grid.forEach((point: { chi1: { measured: number }; correlation: { measured: number } }, i: number) => {
      // 1e-4: the bar every GPU figure meets against the float64 reference.
      expect(Math.abs(g.grid[i].chi1.measured / point.chi1.measured - 1)).toBeLessThan(1e-4);
      expect(Math.abs(g.grid[i].correlation.measured - point.correlation.measured)).toBeLessThan(1e-4);
    });
  });
});
