/**
 * Kernels are declared once: WGSL files hold no uniform struct, binding or shared constant of their own (kernel.ts and
 * fragments.ts generate them from TS), fragments in shaders/lib have no entry point, and every activation of the
 * table has its case in the WGSL switch.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FRAGMENTS, fragmentCode } from '../../src/gpu/fragments';
import { defineKernel, kernelCode, uniformBytes } from '../../src/gpu/kernel';
import { activations } from '../../src/lab/activations';

const SHADERS = resolve(__dirname, '../../shaders');
const wgsl = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.wgsl'))
    .map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') }));
const kernels = wgsl(SHADERS);
const fragments = wgsl(join(SHADERS, 'lib'));
/** Constants whose values TS owns, by prefix. */
const GENERATED =
  /\bconst\s+(STATE_|FLAG_|EXPONENT_|ACT_|SHAPE_|TILE\b|HISTOGRAM_THREADS|VALUES_PER_|[A-Z_]*_STREAM\b|SMALLEST_HELD|LARGEST_HELD|FIGURES_PER_NETWORK|TRUNCATION_BOUND|MAX_TRUNCATION)/;

describe('kernel declarations', () => {
  it('every kernel file has one entry point and declares no uniform struct or binding of its own', () => {
    expect(kernels.length).toBeGreaterThanOrEqual(9);
    for (const { name, text } of kernels) {
      expect(text.match(/@compute/g)?.length, name).toBe(1);
      expect(text, name).not.toMatch(/@binding|var<uniform>|struct \w*Params/);
    }
  });

  it('fragments have no entry point', () => {
    for (const { name, text } of fragments) expect(text, name).not.toMatch(/@compute|@binding/);
  });

  it('no WGSL file writes a constant that TS owns', () => {
    for (const { name, text } of [...kernels, ...fragments]) expect(text, name).not.toMatch(GENERATED);
  });

  it('every activation of the table has its case in φ and φ′ (linear is the default)', () => {
    const source = fragments.find((f) => f.name === 'activation.wgsl')!.text;
    const body = (fn: string) =>
      source.slice(source.indexOf(`fn ${fn}(`), source.indexOf('\n}\n', source.indexOf(`fn ${fn}(`)));
    for (const a of Object.values(activations)) {
      if (a.name === 'linear') continue;
      const name = `ACT_${a.name.toUpperCase().replace(/-/g, '_')}`;
      expect(body('activate'), a.name).toContain(`case ${name}:`);
      expect(body('derivative'), a.name).toContain(`case ${name}:`);
    }
    expect(fragmentCode([FRAGMENTS.activation])).toContain(`const ACT_RELU: u32 = ${activations.relu.id}u;`);
  });

  it('generates the Params struct and bindings in declaration order, and sizes the uniforms in 16-byte steps', () => {
    const spec = defineKernel({
      label: 'example',
      source: '@compute @workgroup_size(1) fn main() {}',
      fragments: [FRAGMENTS.moments],
      uniforms: { rows: 'u32', shift: 'i32', scale: 'f32', more: 'u32', last: 'u32' },
      bindings: { input: { type: 'array<f32>', access: 'read' }, output: { type: 'array<f32>', access: 'read_write' } },
    });
    const code = kernelCode(spec);
    expect(code).toContain(
      'struct Params {\n  rows: u32,\n  shift: i32,\n  scale: f32,\n  more: u32,\n  last: u32,\n}',
    );
    expect(code).toContain('@group(0) @binding(1) var<storage, read> input: array<f32>;');
    expect(code).toContain('@group(0) @binding(2) var<storage, read_write> output: array<f32>;');
    // moments needs the state layout, which comes first, once.
    expect(code.indexOf('const STATE_WORDS')).toBeLessThan(code.indexOf('fn mergeMoments'));
    expect(code.match(/const STATE_WORDS/g)?.length).toBe(1);
    expect(uniformBytes(spec.uniforms)).toBe(32);
  });
});
