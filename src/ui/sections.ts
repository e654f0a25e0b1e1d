/**
 * The page's live sections as one table: each names its figure host, the experiment it runs (derived from the reader's
 * config), the run options, whether it waits until it is seen, and the figure that draws the result. The page loops
 * over this table to plan a run; adding a section is one entry here and its markup in index.html.
 */
import type { ExperimentConfig } from '../lab/config';
import type { RunResult } from '../lab/results';
import { verificationPlan } from '../lab/verification';
import { drawCompareInvitation, drawComparison } from './comparePanel';
import { CorrelationFigure } from './correlationFigure';
import { DistributionsFigure, distributionsConfig, HISTOGRAM_BINS } from './distributionsFigure';
import { byId } from './dom';
import { ExperimentFigure } from './experimentFigure';
import { drawHeDerivation, heDerivationConfig } from './heDerivation';
import { IsometryPanel } from './isometryFigure';
import { setLive } from './liveText';
import { type LoadNetwork, PhaseMap } from './phaseFigure';
import { DEPTH_FIGURES, layerNormSweepConfig, NETWORK_VARIANTS, variantConfig } from './residualConfigs';
import { DepthFigure } from './residualFigure';
import { layerNormSweep } from './residualSentences';
import {
  BACKWARD_DRAWS,
  BACKWARD_SWEEP,
  CLAIM_DRAWS,
  claimConfig,
  ensembleConfig,
  HE_SWEEP,
  xavierSweep,
} from './sectionConfigs';
import type { Section, SectionFigure } from './sectionTypes';
import {
  backwardModes,
  backwardXavier,
  ensembleGrowth,
  ensembleSetting,
  heFirstLayer,
  heResult,
  reluNote,
  sectionSetting,
  seedGrowth,
  seedSetting,
} from './sentences';
import { correlationConfig, ISOMETRY_NETWORKS, isometryConfig, phaseConfig } from './signalConfigs';
import { drawSymmetry, SYMMETRY_CAPTURE, symmetryConfig } from './symmetryFigure';
import type { LabState } from './urlState';
import { renderGainTable } from './xavierGains';

const comparing = (state: LabState, gpuAvailable: boolean) => state.engine === 'both' && gpuAvailable;
const drawInto = (id: string, draw: (host: HTMLElement, result: RunResult) => void): SectionFigure => ({
  show: (result) => draw(byId(id), result),
});
/** Said beside the engine's name on the figures of many small networks that always run on the CPU engine. */
const MANY_NETWORKS =
  'Many small networks: the CPU engine draws them faster than a GPU, which would wait for the device at every layer of each.';

/** A figure whose section's sentences follow its result; `panel` is the reader's own config (the first experiment's). */
function withProse(
  figure: ExperimentFigure,
  describe: (result: RunResult, panel: ExperimentConfig | undefined) => void,
  note = '',
): SectionFigure {
  return {
    show: (result, substitution, resultOf) => {
      figure.show(result, [substitution, note].filter(Boolean).join(' '));
      describe(result, resultOf('seed')?.config);
    },
    restyle: () => figure.restyle(),
  };
}

/**
 * The sections in page order; `onCompare` switches the engine to "both" from the compare panel's button, `onLoad`
 * puts a phase diagram's network into the controls.
 */
export function createSections(gpuAvailable: boolean, onCompare: () => void, onLoad: LoadNetwork): Section[] {
  const comparePanel = byId('compare-panel');
  return [
    {
      id: 'seed',
      config: (state) => state.config,
      // Engine "both": the GPU run captures the rows the reference checks.
      options: (state) => (state.engine === 'both' ? verificationPlan(state.config).candidate : {}),
      figure: withProse(
        new ExperimentFigure('seed', byId('seed-figure'), {
          pre: 'Pre-activation variance Var(Z) per layer',
          post: 'Post-activation variance Var(H) per layer',
        }),
        (result) => {
          setLive('seed-setting', seedSetting(result.config));
          setLive('seed-growth', seedGrowth(result));
          setLive('relu-note', reluNote(result.config));
        },
      ),
    },
    {
      id: 'compare',
      engine: 'cpu',
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
      id: 'ensemble',
      engine: 'cpu',
      config: (state) => ensembleConfig(state.config),
      figure: withProse(
        new ExperimentFigure('ensemble', byId('ensemble-figure'), { pre: 'Many networks: Var(Z) per layer' }),
        (result, panel) => {
          setLive('ensemble-setting', ensembleSetting(result.config, panel));
          setLive('ensemble-growth', ensembleGrowth(result));
        },
        MANY_NETWORKS,
      ),
    },
    {
      id: 'xavier',
      engine: 'cpu',
      config: (state) => claimConfig(state.config, xavierSweep(state.config), CLAIM_DRAWS),
      figure: withProse(
        new ExperimentFigure('xavier', byId('xavier-figure'), {
          pre: 'Xavier: Var(Z) per layer',
          post: 'Xavier: Var(H) per layer',
        }),
        (result, panel) => {
          renderGainTable(byId('xavier-gains'), result.config);
          setLive('xavier-setting', sectionSetting(result.config, panel));
        },
        MANY_NETWORKS,
      ),
    },
    {
      id: 'he',
      engine: 'cpu',
      config: (state) => claimConfig(state.config, HE_SWEEP, CLAIM_DRAWS),
      figure: withProse(
        new ExperimentFigure('he', byId('he-figure'), {
          pre: 'He vs Xavier: Var(Z) per layer',
          post: 'He vs Xavier: Var(H) per layer',
        }),
        (result, panel) => {
          setLive('he-first-layer', heFirstLayer(result.config));
          setLive('he-setting', sectionSetting(result.config, panel));
          setLive('he-result', heResult(result));
        },
        MANY_NETWORKS,
      ),
    },
    {
      id: 'he-derivation',
      config: (state) => heDerivationConfig(state.config),
      figure: drawInto('he-derivation', drawHeDerivation),
    },
    {
      id: 'backward',
      lazy: true,
      config: (state) => claimConfig(state.config, BACKWARD_SWEEP, BACKWARD_DRAWS),
      options: () => ({ backward: true }),
      figure: withProse(
        new ExperimentFigure('backward', byId('backward-figure'), {
          grad: 'Backward: E[(∂L/∂Z)²] per layer',
          pre: 'Forward: Var(Z) per layer',
          weightGrad: 'Weight gradients: E[(∂L/∂W)²] per layer',
        }),
        (result, panel) => {
          setLive('backward-setting', sectionSetting(result.config, panel));
          setLive('backward-modes', backwardModes(result.config));
          setLive('backward-xavier', backwardXavier(result.config, BACKWARD_SWEEP.length - 1));
        },
      ),
    },
    {
      id: 'distributions',
      lazy: true,
      config: (state) => distributionsConfig(state.config),
      options: () => ({ backward: true, histogramBins: HISTOGRAM_BINS }),
      figure: new DistributionsFigure(byId('distributions-figure')),
    },
    {
      id: 'correlations',
      lazy: true,
      config: (state) => correlationConfig(state.config),
      figure: new CorrelationFigure(byId('correlations-figure')),
    },
    ...signalSections(onLoad),
    ...residualSections(),
  ];
}

/** The phase diagrams (tanh, and the panel's activation when it is another) and the Jacobian spectra. */
function signalSections(onLoad: LoadNetwork): Section[] {
  const tanh = new PhaseMap('phase-tanh', byId('phase-tanh'), onLoad);
  const panel = new PhaseMap('phase-panel', byId('phase-panel'), onLoad);
  return [
    {
      id: 'phase-tanh',
      lazy: true,
      section: 'phase',
      config: (state) => phaseConfig(state.config, 'tanh'),
      options: () => ({ phase: true }),
      figure: tanh,
    },
    {
      id: 'phase-panel',
      lazy: true,
      section: 'phase',
      active: (state) => state.config.activation !== 'tanh',
      config: (state) => phaseConfig(state.config, state.config.activation),
      options: () => ({ phase: true }),
      figure: panel,
    },
    ...ISOMETRY_NETWORKS.map(
      ({ activation, gain }): Section => ({
        id: `isometry-${activation}`,
        lazy: true,
        section: 'isometry',
        config: (state) => isometryConfig(state.config, activation, gain),
        options: () => ({ jacobian: true }),
        figure: new IsometryPanel(`isometry-${activation}`, byId(`isometry-${activation}`)),
      }),
    ),
  ];
}

/** Residual connections and normalization: the two depth figures, each joining its networks, and LayerNorm's σ sweep. */
function residualSections(): Section[] {
  return [
    ...DEPTH_FIGURES.map(
      ({ id, norm }): Section => ({
        id,
        lazy: true,
        section: 'residual',
        config: (state) => variantConfig(state.config, NETWORK_VARIANTS[NETWORK_VARIANTS.length - 1], norm),
        parts: (state) =>
          NETWORK_VARIANTS.slice(0, -1).map((v) => ({ id: v.id, config: variantConfig(state.config, v, norm) })),
        figure: new DepthFigure(id, `${norm === 'none' ? 'Without' : 'With LayerNorm'}: E[x²] per block`),
      }),
    ),
    {
      id: 'layernorm-sweep',
      lazy: true,
      section: 'residual',
      // LayerNorm of a single unit is 0 whatever it holds.
      active: (state) => state.config.width >= 2,
      config: (state) => layerNormSweepConfig(state.config),
      options: () => ({ backward: true }),
      figure: withProse(
        new ExperimentFigure('layernorm-sweep', byId('layernorm-sweep-figure'), {
          pre: 'With LayerNorm: Var(Z) per layer',
          post: 'With LayerNorm: Var(H) per layer',
          grad: 'With LayerNorm: E[(∂L/∂Z)²] per layer',
        }),
        (result) => setLive('layernorm-sweep-result', layerNormSweep(result)),
      ),
    },
  ];
}
