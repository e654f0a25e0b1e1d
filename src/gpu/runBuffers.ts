/** The buffers of one run, sized once for its largest chunk and reused by every chunk, series and trial. */
import { LAYER_STATE_WORDS } from './layerState';
import { PARTIAL_BYTES, tilesAlong } from './layerKernel';

const F32 = 4;
const { STORAGE, COPY_SRC, COPY_DST, MAP_READ } = GPUBufferUsage;

export interface RunShape {
  chunkRows: number;
  inputWidth: number;
  width: number;
  depth: number;
  captureCount: number;
}

export class RunBuffers {
  /** Ping-pong pre-activations: layer l reads one and writes the other. The input X starts in [0]. */
  readonly activations: [GPUBuffer, GPUBuffer];
  readonly weights: GPUBuffer;
  readonly partials: GPUBuffer;
  readonly layerState: GPUBuffer;
  readonly stateReadback: GPUBuffer;
  readonly rows: GPUBuffer;
  /** [depth × captureCount × width] captured pre-activations, or null when nothing is captured. */
  readonly capture: GPUBuffer | null;
  readonly captureCount: number;

  constructor(device: GPUDevice, shape: RunShape) {
    const make = (label: string, size: number, usage: number) => device.createBuffer({ label, size: Math.max(16, size), usage });
    const widest = Math.max(shape.inputWidth, shape.width);
    const stateBytes = shape.depth * LAYER_STATE_WORDS * F32;
    this.activations = [0, 1].map((i) => make(`activations ${i}`, shape.chunkRows * widest * F32, STORAGE | COPY_SRC | COPY_DST)) as [GPUBuffer, GPUBuffer];
    this.weights = make('weights', widest * shape.width * F32, STORAGE | COPY_DST);
    this.partials = make('partials', tilesAlong(shape.chunkRows) * tilesAlong(shape.width) * PARTIAL_BYTES, STORAGE);
    this.layerState = make('layer state', stateBytes, STORAGE | COPY_SRC | COPY_DST);
    this.stateReadback = make('layer state readback', stateBytes, MAP_READ | COPY_DST);
    this.rows = make('rows', shape.chunkRows * F32, STORAGE | COPY_DST);
    this.captureCount = shape.captureCount;
    this.capture = shape.captureCount
      ? make('capture', shape.depth * shape.captureCount * shape.width * F32, MAP_READ | COPY_DST)
      : null;
  }

  destroy(): void {
    for (const b of [...this.activations, this.weights, this.partials, this.layerState, this.stateReadback, this.rows, this.capture]) b?.destroy();
  }
}
