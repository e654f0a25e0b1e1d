/**
 * What a run costs the GPU engine, in multiply–adds of its tiled product: rows are computed in whole 64-row tiles
 * (a batch of 4 rows costs a tile of 64), every chunk and pass draws each layer's weights again from the Philox
 * stream (a normal draw costs about DRAW_MACS multiply–adds), and a backward pass does two more products per layer
 * (and the forward again between checkpoints). The engine's measured speed is in these units, so estimates of small
 * and large, narrow and wide runs all come from one figure.
 */
import type { ExperimentConfig } from '../lab/config';
import { TILE, tilesAlong } from './geometry';
import type { RunShape } from './runShape';

/** One Philox-10 Box–Muller draw against one multiply–add of the tiled product, as measured on SwiftShader. */
export const DRAW_MACS = 32;

/**
 * Cost of one chunk of `rows` rows through every matrix (forward, and backward when asked): a residual network's
 * 2·depth + 1, its stream updates a sliver beside them.
 */
function chunkCost(shape: RunShape, rows: number): number {
  const padded = tilesAlong(rows) * TILE;
  const matrices = shape.architecture?.kind === 'residual' ? 2 * shape.depth + 1 : shape.depth;
  let products = 0;
  let draws = 0;
  for (let l = 1; l <= matrices; l++) {
    const fanIn = l === 1 ? shape.inputWidth : shape.width;
    products += padded * fanIn * shape.width;
    draws += fanIn * shape.width;
  }
  if (!shape.backward) return products + DRAW_MACS * draws;
  const recomputed = shape.segment < shape.depth ? 1 : 0;
  return (3 + recomputed) * products + (2 + recomputed) * DRAW_MACS * draws;
}

/** The run's cost in multiply–adds of the tiled product, over every series, trial, chunk and pass. */
export function runCost(config: ExperimentConfig, shape: RunShape, rows: number, histograms: boolean): number {
  const fullChunks = Math.floor(rows / shape.chunkRows);
  const rest = rows - fullChunks * shape.chunkRows;
  const perPass = fullChunks * chunkCost(shape, shape.chunkRows) + (rest ? chunkCost(shape, rest) : 0);
  // Histograms counted in pieces take a second pass over trial 0 (histogramSet.ts).
  const trialPasses = config.trials + (histograms && shape.chunks > 1 ? 1 : 0);
  return config.sweep.length * trialPasses * shape.passes * perPass;
}
