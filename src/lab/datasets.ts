/**
 * The datasets training uses, drawn in float64 from the Philox stream `Stream.data` so that every engine trains on
 * the same points. Counters: [element, layer, 0, purpose] with purpose 0 for the points (element = point·8 + draw,
 * layer 0) and 1 for a teacher's weights (element = the weight's row-major index, layer = the teacher's layer).
 * The test set is the last points (trainConfig.ts's splitSizes); a point is the same whichever set it falls in.
 */

import { drawWordsAt, Stream, standardNormal, unitUniform } from './rng';
import { type DatasetSpec, datasetShape, splitSizes } from './trainConfig';

export interface DataSplit {
  /** [rows × dim], row-major. */
  x: Float64Array;
  /** Class indices (classification), or [rows × outputs] values (regression). */
  y: Int32Array | Float64Array;
  rows: number;
}

export interface Dataset {
  train: DataSplit;
  test: DataSplit;
  dim: number;
  /** Units of the network's readout: the classes, or the regression outputs. */
  outputs: number;
  /** 0 for regression. */
  classes: number;
}

const POINTS = 0;
const TEACHER = 1;
/** Draws a point may use; each Philox call gives four words: two normals or four uniforms. */
const DRAWS_PER_POINT = 8;

/** Uniforms and normals of one point, in the order asked: the k-th of either kind comes from draw k. */
class PointDraws {
  private draw = 0;
  constructor(
    private readonly seed: number,
    private readonly point: number,
  ) {}

  private words() {
    return drawWordsAt(this.seed, Stream.data, POINTS, 0, 0, this.point * DRAWS_PER_POINT + this.draw++);
  }

  uniform(): number {
    return unitUniform(this.words()[0]);
  }

  normal(): number {
    const [w0, w1] = this.words();
    return standardNormal(w0, w1);
  }
}

/** One point of a plane dataset: coordinates and class. */
function planePoint(spec: DatasetSpec, seed: number, i: number): { x: number[]; label: number } {
  const d = new PointDraws(seed, i);
  const noisy = (x: number, y: number) => [x + spec.noise * d.normal(), y + spec.noise * d.normal()];
  switch (spec.kind) {
    case 'spirals': {
      const label = i % 2;
      const t = d.uniform();
      // Two arms of 1.75 turns, the second the first turned by π; radius grows with t.
      const angle = 1.75 * 2 * Math.PI * t + Math.PI * label;
      return { x: noisy(t * Math.sin(angle), t * Math.cos(angle)), label };
    }
    case 'circles': {
      const label = i % 2;
      const radius = label === 0 ? 0.5 * d.uniform() : 0.7 + 0.3 * d.uniform();
      const angle = 2 * Math.PI * d.uniform();
      return { x: noisy(radius * Math.cos(angle), radius * Math.sin(angle)), label };
    }
    case 'xor': {
      const [a, b] = [2 * d.uniform() - 1, 2 * d.uniform() - 1];
      return { x: noisy(a, b), label: a * b > 0 ? 0 : 1 };
    }
    case 'blobs': {
      const label = i % spec.classes;
      const angle = (2 * Math.PI * label) / spec.classes;
      return { x: [Math.cos(angle) + spec.noise * d.normal(), Math.sin(angle) + spec.noise * d.normal()], label };
    }
    case 'teacher':
      throw new RangeError('a teacher dataset has no plane points');
  }
}

/** The teacher network's weights of layer l (1-based), LeCun normal N(0, 1/fanIn), row-major [fanIn × fanOut]. */
function teacherWeights(seed: number, layer: number, fanIn: number, fanOut: number): Float64Array {
  const w = new Float64Array(fanIn * fanOut);
  const scale = 1 / Math.sqrt(fanIn);
  for (let e = 0; e < w.length; e++) {
    const [w0, w1] = drawWordsAt(seed, Stream.data, TEACHER, 0, layer, e);
    w[e] = scale * standardNormal(w0, w1);
  }
  return w;
}

function teacherSet(
  spec: Extract<DatasetSpec, { kind: 'teacher' }>,
  seed: number,
): { x: Float64Array; y: Int32Array | Float64Array } {
  const outputs = spec.classes || 1;
  const x = new Float64Array(spec.size * spec.dim);
  for (let e = 0; e < x.length; e++) {
    const [w0, w1] = drawWordsAt(seed, Stream.data, POINTS, 0, 0, e);
    x[e] = standardNormal(w0, w1);
  }
  const widths = [spec.dim, ...new Array(spec.depth).fill(spec.width), outputs];
  let h = x;
  for (let l = 1; l < widths.length; l++) {
    const [fanIn, fanOut] = [widths[l - 1], widths[l]];
    const w = teacherWeights(seed, l, fanIn, fanOut);
    const z = new Float64Array(spec.size * fanOut);
    for (let r = 0; r < spec.size; r++) {
      for (let i = 0; i < fanIn; i++) {
        const hv = h[r * fanIn + i];
        for (let j = 0; j < fanOut; j++) z[r * fanOut + j] += hv * w[i * fanOut + j];
      }
    }
    h = l === widths.length - 1 ? z : z.map(Math.tanh);
  }
  if (spec.classes === 0) {
    // Regression: the teacher's output plus noise, drawn after the inputs' elements.
    const y = h.map((v, r) => {
      const [w0, w1] = drawWordsAt(seed, Stream.data, POINTS, 0, 1, r);
      return v + spec.noise * standardNormal(w0, w1);
    });
    return { x, y };
  }
  const y = new Int32Array(spec.size);
  for (let r = 0; r < spec.size; r++) {
    let best = 0;
    for (let c = 1; c < outputs; c++) if (h[r * outputs + c] > h[r * outputs + best]) best = c;
    y[r] = best;
  }
  return { x, y };
}

/** The whole dataset of a spec, split into train and test. */
export function makeDataset(spec: DatasetSpec, seed: number): Dataset {
  const { dim, outputs, classes } = datasetShape(spec);
  let x: Float64Array;
  let y: Int32Array | Float64Array;
  if (spec.kind === 'teacher') ({ x, y } = teacherSet(spec, seed));
  else {
    x = new Float64Array(spec.size * 2);
    const labels = new Int32Array(spec.size);
    for (let i = 0; i < spec.size; i++) {
      const point = planePoint(spec, seed, i);
      x.set(point.x, 2 * i);
      labels[i] = point.label;
    }
    y = labels;
  }
  const { train } = splitSizes(spec);
  const perRow = classes ? 1 : outputs;
  const split = (from: number, to: number): DataSplit => ({
    x: x.slice(from * dim, to * dim),
    y: y.slice(from * perRow, to * perRow),
    rows: to - from,
  });
  return { train: split(0, train), test: split(train, spec.size), dim, outputs, classes };
}
