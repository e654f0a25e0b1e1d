/** How far a run or a training has got, as engines report it (engine.ts) for a bar and a time-left estimate. */
export interface Progress {
  /** Units of work done and in all (layer steps), for a bar and a time-left estimate. */
  done: number;
  total: number;
  series: number;
  trial: number;
  layer: number;
  /** Training: the update (or history entry) in progress; absent for the experiments at initialization. */
  step?: number;
}
