/**
 * NumPy's .npy format, version 1.0: the magic "\x93NUMPY", version bytes 1 0, the header's length as a little-endian
 * uint16, then an ASCII dict {'descr', 'fortran_order', 'shape'} padded with spaces and ended by "\n" so that the
 * data starts at a multiple of 64 bytes; then the data in C (row-major) order, little-endian.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export type NpyData = Float64Array | Int32Array;

const DESCR = { Float64Array: '<f8', Int32Array: '<i4' } as const;
const ALIGNMENT = 64;
/** Typed arrays hold the platform's byte order; .npy's '<' asks for little-endian, which x64 and arm64 are. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function npyDescr(data: NpyData): string {
  return DESCR[data instanceof Float64Array ? 'Float64Array' : 'Int32Array'];
}

/** The bytes before the data: magic, version, length and the padded dict. */
export function npyHeader(descr: string, shape: number[]): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  const preamble = 10;
  const length = Math.ceil((preamble + dict.length + 1) / ALIGNMENT) * ALIGNMENT - preamble;
  const header = new Uint8Array(preamble + length);
  header.set([0x93, ...Buffer.from('NUMPY'), 1, 0]);
  new DataView(header.buffer).setUint16(8, length, true);
  header.set(Buffer.from(`${dict.padEnd(length - 1, ' ')}\n`, 'ascii'), preamble);
  return header;
}

/**
 * A .npy file written in pieces, for arrays too large to build at once (the minibatch rows of a long run): the header
 * first, then the elements in C order; `close` checks that exactly the shape's elements came.
 */
export class NpyWriter {
  private readonly fd: number;
  private written = 0;
  private readonly expected: number;

  constructor(
    private readonly path: string,
    descr: string,
    shape: number[],
  ) {
    if (!LITTLE_ENDIAN) throw new Error('.npy export needs a little-endian machine');
    this.expected = shape.reduce((a, b) => a * b, 1);
    this.fd = openSync(path, 'w');
    writeSync(this.fd, npyHeader(descr, shape));
  }

  write(data: NpyData): void {
    writeSync(this.fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    this.written += data.length;
  }

  close(): void {
    closeSync(this.fd);
    if (this.written !== this.expected)
      throw new Error(`${this.path}: ${this.written} elements written for a shape of ${this.expected}`);
  }
}

export function writeNpy(path: string, data: NpyData, shape: number[]): void {
  const writer = new NpyWriter(path, npyDescr(data), shape);
  writer.write(data);
  writer.close();
}
