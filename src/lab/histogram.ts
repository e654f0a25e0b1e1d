/** Equal-width bin counts over [lo, hi); values outside are counted apart, so nothing is lost without notice. */
export interface Histogram {
  edges: number[];
  counts: number[];
  below: number;
  above: number;
}

export function histogram(values: ArrayLike<number>, lo: number, hi: number, bins: number): Histogram {
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  let below = 0, above = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x < lo) below++;
    else if (x >= hi) above++;
    else counts[Math.min(bins - 1, Math.floor((x - lo) / width))]++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * width), counts, below, above };
}
