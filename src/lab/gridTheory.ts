/**
 * Theory for every series of a run, grids included: a grid's series are networks of different widths and depths
 * (grid.ts), and each is compared with theory for its own network, in the order the engines list them.
 */
import type { ExperimentConfig } from './config';
import { gridCells } from './grid';
import { type TheorySeries, theoryCurves } from './theory';

export function runTheory(config: ExperimentConfig): TheorySeries[] {
  return gridCells(config, false).flatMap((cell) => theoryCurves(cell.config));
}
