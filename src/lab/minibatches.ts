/**
 * Which training rows each step uses, one rule for every engine: epochs of ⌊N/B⌋ steps, each a fresh permutation of
 * the N training rows (Fisher–Yates with uniforms from `Stream.batches`, counter [i, epoch, 0, 0]: for i from N − 1
 * down to 1, swap i with j = ⌊u·(i + 1)⌋, u the word's top 24 bits), cut into minibatches of B in order; the rows left
 * over at an epoch's end are not used (PyTorch's drop_last). Update u (1-based) uses minibatch u − 1.
 */
import { drawWordsAt, Stream } from './rng';

/** The permutation of `rows` training rows of one epoch. */
export function epochOrder(seed: number, rows: number, epoch: number): Int32Array {
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  for (let i = rows - 1; i > 0; i--) {
    const word = drawWordsAt(seed, Stream.batches, 0, 0, epoch, i)[0];
    // (word >>> 8)·(i + 1) < 2^24·2^18: exact in float64.
    const j = Math.floor(((word >>> 8) * (i + 1)) / 2 ** 24);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** The rows of minibatches first … first + count − 1 (0-based), [count × batch], from a cache of epoch orders. */
export class Minibatches {
  private readonly orders = new Map<number, Int32Array>();
  readonly perEpoch: number;

  constructor(
    private readonly seed: number,
    private readonly rows: number,
    readonly batch: number,
  ) {
    if (batch > rows)
      throw new RangeError(`a minibatch of ${batch} rows needs at least that many training rows (${rows})`);
    this.perEpoch = Math.floor(rows / batch);
  }

  /** Rows of minibatch `index` (0-based). */
  rowsOf(index: number): Int32Array {
    const epoch = Math.floor(index / this.perEpoch);
    const start = (index % this.perEpoch) * this.batch;
    let order = this.orders.get(epoch);
    if (!order) {
      order = epochOrder(this.seed, this.rows, epoch);
      // Steps walk forward: the previous epoch is no longer needed.
      this.orders.clear();
      this.orders.set(epoch, order);
    }
    return order.slice(start, start + this.batch);
  }
}
