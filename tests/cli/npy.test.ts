import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NpyWriter, writeNpy } from '../../src/cli/npy';
import { readNpy } from './npyReader';

const dir = mkdtempSync(join(tmpdir(), 'initlab-npy-'));

describe('.npy v1.0 files', () => {
  const cases: { name: string; data: Float64Array | Int32Array; shape: number[] }[] = [
    { name: 'matrix', data: Float64Array.from({ length: 12 }, (_, i) => i / 7 - 0.5), shape: [3, 4] },
    { name: 'vector', data: Int32Array.from([3, -1, 2_000_000_000]), shape: [3] },
    { name: 'empty', data: new Int32Array(0), shape: [0, 32] },
    { name: 'special', data: Float64Array.from([Number.NaN, Infinity, -0, 5e-324]), shape: [2, 2] },
  ];
  for (const { name, data, shape } of cases) {
    it(`${name}: header, dtype, shape and C-order data read back, the data at a multiple of 64 bytes`, () => {
      const path = join(dir, `${name}.npy`);
      writeNpy(path, data, shape);
      const file = readNpy(path);
      expect(file).toMatchObject({ descr: data instanceof Float64Array ? '<f8' : '<i4', fortranOrder: false, shape });
      expect(file.dataOffset % 64).toBe(0);
      expect(file.data).toEqual(data);
    });
  }

  it('writes the header exactly as NumPy spells it', () => {
    const path = join(dir, 'spelling.npy');
    writeNpy(path, new Float64Array(6), [2, 3]);
    const bytes = readFileSync(path);
    const header = bytes.subarray(10, 10 + bytes.readUInt16LE(8)).toString('latin1');
    expect(header).toMatch(/^\{'descr': '<f8', 'fortran_order': False, 'shape': \(2, 3\), \} +\n$/);
  });

  it('a file written in pieces is one array, and a short one is refused with a sentence', () => {
    const path = join(dir, 'pieces.npy');
    const writer = new NpyWriter(path, '<i4', [2, 3]);
    writer.write(Int32Array.from([1, 2, 3]));
    writer.write(Int32Array.from([4, 5, 6]));
    writer.close();
    expect(readNpy(path).data).toEqual(Int32Array.from([1, 2, 3, 4, 5, 6]));
    const short = new NpyWriter(join(dir, 'short.npy'), '<f8', [4]);
    short.write(new Float64Array(3));
    expect(() => short.close()).toThrow('3 elements written for a shape of 4');
  });
});
