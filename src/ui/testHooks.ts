/**
 * A read-only view of what the page shows, for end-to-end tests and the curious: `window.initlab`.
 * Tests read numbers here instead of scraping pixels.
 */
export interface ChartSnapshot {
  title: string;
  quantity: string;
  labels: string[];
  /**
   * The plotted values before the log transform: x, then each series' mean (and, with several trials, its 90 % and
   * 10 % quantiles, the band's edges). null: the axis cannot show it.
   */
  data: (number | null)[][];
  /** A variance chart of several trials: each series' median per layer; absent otherwise. */
  median?: (number | null)[][];
  /** theory.ts's prediction of each series, before the log transform; [] where theory has none. */
  theory?: number[][];
  marks: { x: number; y: number | null; text: string }[];
}

interface Hooks {
  charts: Record<string, ChartSnapshot>;
  results: Record<string, unknown>;
  /** What a figure drawn without a run computed (the hiking walkers); `runs` does not count these. */
  drawings: Record<string, unknown>;
  engine: string;
  runs: number;
}

const hooks: Hooks = { charts: {}, results: {}, drawings: {}, engine: '', runs: 0 };
Object.defineProperty(window, 'initlab', { value: hooks, writable: false });

export function registerChart(id: string, snapshot: ChartSnapshot): void {
  hooks.charts[id] = snapshot;
}

export function registerResult(id: string, json: object): void {
  hooks.results[id] = json;
  hooks.runs += 1;
}

export function registerDrawing(id: string, json: object): void {
  hooks.drawings[id] = json;
}

export function registerEngine(name: string): void {
  hooks.engine = name;
}
