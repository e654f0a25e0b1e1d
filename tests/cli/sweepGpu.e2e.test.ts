import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runBytes } from '../../src/gpu/runShape';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'initlab-gpu-cli-'));

describe('npm run sweep on the GPU engine (headless Chromium)', () => {
  it('--engine both shows the seed experiment agreeing layer by layer and writes device, timings and the comparison', async () => {
    const out = join(dir, 'both.json');
    const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/sweep.ts', '--engine', 'both', '--out', out], {
      cwd: process.cwd(),
    });
    expect(stdout).toContain('GPU − CPU: worst relative difference per layer');
    expect(stdout).toMatch(/^AGREE: every layer within 0\.0001/m);
    expect(stderr).toMatch(/GPU \(.+\) \[#+\.*\]/);
    // CI's adapter is SwiftShader: the terminal says it is an emulation.
    expect(stderr).toContain('this GPU is emulated on the CPU');
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.engine).toBe('gpu');
    expect(typeof json.device).toBe('string');
    expect(json.timings.totalMs).toBeGreaterThan(0);
    expect(json.reference.engine).toBe('cpu');
    expect(json.comparison.pass).toBe(true);
    expect(json.comparison.layers).toHaveLength(5 * 8);
  });

  it('--engine both --backward compares the gradients too, and writes them for both engines', async () => {
    const out = join(dir, 'both-backward.json');
    const { stdout } = await run('npx', ['tsx', 'src/cli/sweep.ts', '--engine', 'both', '--backward', '--out', out], {
      cwd: process.cwd(),
    });
    expect(stdout).toMatch(/^AGREE: every layer within 0\.0001/m);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.series[0].layers[7].weightGrad.meanSq).toBeGreaterThan(0);
    expect(json.reference.series[0].layers[7].grad.meanSq).toBeGreaterThan(0);
    expect(json.comparison.layers.every((l: { grad?: object; weightGrad?: object }) => l.grad && l.weightGrad)).toBe(
      true,
    );
  });

  it.each(['none', 'layer'])(
    '--engine both on a residual network (norm %s) compares every block’s stream and branch too',
    async (norm) => {
      const [path, out] = [join(dir, `residual-${norm}.json`), join(dir, `residual-${norm}-out.json`)];
      const architecture = { kind: 'residual', branchScale: '1/sqrt(depth)', norm };
      const input = { distribution: 'normal', batch: 60, width: 16 };
      writeFileSync(path, JSON.stringify({ depth: 12, width: 128, trials: 2, input, architecture }));
      const { stdout } = await run('npx', ['tsx', 'src/cli/sweep.ts', path, '--engine', 'both', '--out', out], {
        cwd: process.cwd(),
      });
      expect(stdout).toMatch(/^AGREE: every layer within 0\.0001/m);
      const json = JSON.parse(readFileSync(out, 'utf8'));
      expect(json.comparison.statisticsFrom).toBe('all');
      expect(json.comparison.layers).toHaveLength(json.series.length * 12);
      for (const layer of json.comparison.layers) expect(layer.stream && layer.branch && layer.activation).toBeTruthy();
    },
  );

  it('reports the GPU memory the run allocated, as runBytes plans it', async () => {
    const out = join(dir, 'gpu.json');
    const { stdout } = await run('npx', ['tsx', 'src/cli/sweep.ts', '--engine', 'gpu', '--backward', '--out', out], {
      cwd: process.cwd(),
    });
    const json = JSON.parse(readFileSync(out, 'utf8'));
    // The seed experiment: one row, 8 layers of 10, with the backward trace of every layer, plus the 64×64 tile partials.
    expect(json.gpuBytes).toBe(
      runBytes({
        chunkRows: 1,
        inputWidth: 5,
        width: 10,
        depth: 8,
        captureCount: 0,
        backward: true,
        segment: 8,
        chunks: 1,
        histograms: false,
        forwardColumns: 10,
        unitBlock: 10,
        sumSlots: 0,
        passes: 1,
      }),
    );
    expect(stdout).toMatch(/KiB of GPU memory/);
  });
});
