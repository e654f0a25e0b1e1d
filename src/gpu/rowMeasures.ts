/**
 * What a chunk measures of individual rows: the captured rows (copied out of a layer's values, read back at their true
 * scale) and, with a pairs input, each layer's cosines of its pairs of rows. Both the layer-by-layer chunk and the
 * network pass's call it.
 */
import type { GpuContext } from './device';
import { mappedBytes, readWords } from './device';
import type { ChunkJob, ChunkLayer } from './job';
import type { Kernels } from './kernels';
import type { RunBuffers } from './runBuffers';
import { PAIR_STATE_WORDS } from './runShape';
import { ldexp } from './scale';

export class RowMeasures {
  constructor(
    private readonly gpu: GpuContext,
    private readonly kernels: Pick<Kernels, 'pairCosine' | 'merge'>,
    private readonly buffers: RunBuffers,
  ) {}

  /** With a pairs input, the cosines of the chunk's pairs at Z_l into the layer's word of the pair state. */
  measurePairs(job: ChunkJob, layer: number, output: GPUBuffer): void {
    const pairs = this.buffers.pairState;
    if (!pairs) return;
    const { partials } = this.buffers;
    const tiles = this.kernels.pairCosine.measure(output, partials, job.rows.length, job.net.width);
    const target = { blockWord: (layer - 1) * PAIR_STATE_WORDS };
    this.kernels.merge.merge(partials, pairs.state, { partialCount: tiles, target, exponent: 'keep' });
  }

  /** With a pairs input, each layer's merged cosines into its `correlation`. */
  async readPairs(layers: ChunkLayer[]): Promise<void> {
    const pairs = this.buffers.pairState;
    if (!pairs) return;
    const words = await readWords(this.gpu, pairs.state, pairs.readback);
    const floats = new Float32Array(words.buffer);
    layers.forEach((l, i) => {
      const base = i * PAIR_STATE_WORDS;
      l.correlation = { count: words[base], mean: floats[base + 1], m2: floats[base + 2] };
    });
  }

  /** Copies the chunk's captured rows of the layer's values in `output` into the capture buffer, in `encoder`. */
  copyCaptured(encoder: GPUCommandEncoder, job: ChunkJob, output: GPUBuffer, layerIndex: number): void {
    const width = job.net.width;
    const total = this.buffers.captureCount;
    for (const { position, index } of job.capture) {
      const target = (layerIndex * total + index) * width * 4;
      encoder.copyBufferToBuffer(output, position * width * 4, this.buffers.capture!, target, width * 4);
    }
  }

  /** The captured rows at their true scale into the job's capture arrays. */
  async readCapture(job: ChunkJob, exponents: number[]): Promise<void> {
    const capture = this.buffers.capture;
    if (!capture || !job.capture.length) return;
    const values = new Float32Array(await mappedBytes(this.gpu, capture));
    const width = job.net.width;
    const total = this.buffers.captureCount;
    job.captureInto.forEach((into, layer) => {
      for (const { index } of job.capture) {
        for (let c = 0; c < width; c++) {
          into[index * width + c] = ldexp(values[(layer * total + index) * width + c], exponents[layer]);
        }
      }
    });
  }
}
