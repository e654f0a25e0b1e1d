/**
 * The page's live sections as one table: each names its figure host, the experiment it runs (derived from the reader's
 * config), the run options, whether it waits until it is seen, and the figure that draws the result. The page loops
 * over this table to plan a run; adding a section is one entry here and its markup in index.html.
 */
import type { ExperimentConfig } from '../lab/config';
import type { SendableOptions } from '../lab/engine';
import type { RunResult } from '../lab/results';
import { verificationPlan } from '../lab/verification';
import { drawCompareInvitation, drawComparison } from './comparePanel';
import { DistributionsFigure, distributionsConfig, HISTOGRAM_BINS } from './distributionsFigure';
import { byId } from './dom';
import { ExperimentFigure } from './experimentFigure';
import { drawHeDerivation, heDerivationConfig } from './heDerivation';
import { drawSymmetry, SYMMETRY_CAPTURE, symmetryConfig } from './symmetryFigure';
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
  /** 'reference' always runs on the CPU engine; otherwise the reader's engine, with the CPU for figures it lacks. */
  engine?: 'chosen' | 'reference';
  /** Whether the section runs in this state; absent: always. */
  active?(state: LabState, gpuAvailable: boolean): boolean;
  config(state: LabState): ExperimentConfig;
  options?(state: LabState): SendableOptions;
  figure: SectionFigure;
}

const BACKWARD_SWEEP: ExperimentConfig['sweep'] = [
  { kind: 'he-normal' },
  { kind: 'he-normal', mode: 'fan_out' },
  { kind: 'xavier-normal' },
];

const comparing = (state: LabState, gpuAvailable: boolean) => state.engine === 'both' && gpuAvailable;
const withSweep = (state: LabState, sweep: ExperimentConfig['sweep']) => ({ ...state.config, sweep });
const drawInto = (id: string, draw: (host: HTMLElement, result: RunResult) => void): SectionFigure => ({
  show: (result) => draw(byId(id), result),
});

/** The sections in page order; `onCompare` switches the engine to "both" from the compare panel's button. */
export function createSections(gpuAvailable: boolean, onCompare: () => void): Section[] {
  const comparePanel = byId('compare-panel');
  return [
    {
      id: 'seed',
      config: (state) => state.config,
      // Engine "both": the GPU run captures the rows the reference checks.
      options: (state) => (state.engine === 'both' ? verificationPlan(state.config).candidate : {}),
      figure: new ExperimentFigure('seed', byId('seed-figure'), {
        pre: 'Pre-activation variance Var(Z) per layer',
        post: 'Post-activation variance Var(H) per layer',
      }),
    },
    {
      id: 'compare',
      engine: 'reference',
      active: comparing,
      config: (state) => verificationPlan(state.config).reference.config,
      options: (state) => verificationPlan(state.config).reference.options,
      figure: {
        show: (cpu, _, resultOf) => drawComparison(comparePanel, resultOf('seed')!, cpu),
        idle: () => drawCompareInvitation(comparePanel, gpuAvailable, onCompare),
      },
    },
    {
      id: 'symmetry',
      config: (state) => symmetryConfig(state.config),
      options: () => ({ captureRows: SYMMETRY_CAPTURE }),
      figure: drawInto('symmetry-figure', drawSymmetry),
    },
    {
      id: 'xavier',
      config: (state) => withSweep(state, [{ kind: 'xavier-normal' }, { kind: 'xavier-uniform' }]),
      figure: new ExperimentFigure('xavier', byId('xavier-figure'), {
        pre: 'Xavier: Var(Z) per layer',
        post: 'Xavier: Var(H) per layer',
      }),
    },
    {
      id: 'he',
      config: (state) => withSweep(state, [{ kind: 'he-normal' }, { kind: 'he-uniform' }, { kind: 'xavier-normal' }]),
      figure: new ExperimentFigure('he', byId('he-figure'), {
        pre: 'He vs Xavier: Var(Z) per layer',
        post: 'He vs Xavier: Var(H) per layer',
      }),
    },
    {
      id: 'he-derivation',
      config: (state) => heDerivationConfig(state.config),
      figure: drawInto('he-derivation', drawHeDerivation),
    },
    {
      id: 'backward',
      lazy: true,
      config: (state) => withSweep(state, BACKWARD_SWEEP),
      options: () => ({ backward: true }),
      figure: new ExperimentFigure('backward', byId('backward-figure'), {
        grad: 'Backward: E[(∂L/∂Z)²] per layer',
        pre: 'Forward: Var(Z) per layer',
        weightGrad: 'Weight gradients: E[(∂L/∂W)²] per layer',
      }),
    },
    {
      id: 'distributions',
      lazy: true,
      config: (state) => distributionsConfig(state.config),
      options: () => ({ backward: true, histogramBins: HISTOGRAM_BINS }),
      figure: new DistributionsFigure(byId('distributions-figure')),
    },
  ];
}
