/** What a live section of the page is: its job (config, options, laziness, engine) and the figure that draws it. */
import type { ExperimentConfig } from '../lab/config';
import type { SendableOptions } from '../lab/engine';
import type { RunResult } from '../lab/results';
import type { LabState } from './urlState';

export interface SectionFigure {
  /** Draws a finished run; `resultOf` gives the results of the sections planned before this one. */
  show(result: RunResult, substitution: string, resultOf: (id: string) => RunResult | undefined): void;
  /** Shows what the section would need when it does not run in this state. */
  idle?(): void;
  /** Redraws in the current theme and layout. */
  restyle?(): void;
}

export interface Section {
  /** The job's id; for a lazy section also the id of its <section> element. */
  id: string;
  /** Computed only once the reader has reached it: its gradients or histograms are extra work. */
  lazy?: boolean;
  /** The <section> a lazy job waits to be seen, when several jobs share one: its `id` by default. */
  section?: string;
  /**
   * 'cpu' always runs on the CPU engine: the verification's reference, and figures of many small networks, where a GPU
   * run would wait for the device at every layer of every network and the CPU draws them faster. Otherwise the
   * reader's engine, with the CPU for figures it lacks.
   */
  engine?: 'chosen' | 'cpu';
  /** Whether the section runs in this state; absent: always. */
  active?(state: LabState, gpuAvailable: boolean): boolean;
  config(state: LabState): ExperimentConfig;
  /**
   * Runs planned just before this one, whose results the figure draws beside this one's: job ids partJobId(id, part), the
   * same engine and options. A figure that joins networks of different architectures needs one run per network.
   */
  parts?(state: LabState): { id: string; config: ExperimentConfig }[];
  options?(state: LabState): SendableOptions;
  figure: SectionFigure;
}
