/**
 * A small .npy v1.0 reader for the tests, written from the format's description rather than from the writer: it
 * checks the magic, the version, the 64-byte alignment and the dict, and returns the typed data in C order.
 */
import { readFileSync } from 'node:fs';

export interface NpyFile {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Where the data starts: a multiple of 64. */
  dataOffset: number;
  data: Float64Array | Int32Array;
}

export function readNpy(path: string): NpyFile {
  const bytes = readFileSync(path);
  if (bytes[0] !== 0x93 || bytes.subarray(1, 6).toString('latin1') !== 'NUMPY')
    throw new Error(`${path}: no .npy magic`);
  if (bytes[6] !== 1 || bytes[7] !== 0) throw new Error(`${path}: version ${bytes[6]}.${bytes[7]}, not 1.0`);
  const headerLength = bytes.readUInt16LE(8);
  const dataOffset = 10 + headerLength;
  const header = bytes.subarray(10, dataOffset).toString('latin1');
  if (!header.endsWith('\n')) throw new Error(`${path}: the header does not end with a newline`);
  const match = header.match(
    /^\{'descr': '([<>|]\w\d)', 'fortran_order': (True|False), 'shape': \(([\d, ]*)\), \} *\n$/,
  );
  if (!match) throw new Error(`${path}: unreadable header ${JSON.stringify(header)}`);
  const shape = match[3]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const body = bytes.subarray(dataOffset);
  const copy = new Uint8Array(body).buffer;
  const data = match[1] === '<f8' ? new Float64Array(copy) : new Int32Array(copy);
  if (data.length !== count) throw new Error(`${path}: ${data.length} elements for shape ${shape}`);
  return { descr: match[1], fortranOrder: match[2] === 'True', shape, dataOffset, data };
}
