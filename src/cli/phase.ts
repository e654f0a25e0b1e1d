/**
 * `npm run phase -- CONFIG.json [--engine cpu|gpu] [--out grid.json]`: the phase diagram of the config's "phase" grid,
 * every point's network measured on one engine (the GPU runs them all at once), printed as a table of χ₁ with the
 * order–chaos boundary measured and by theory, and written as {"config", "engine", "grid": [...]}.
 */
import { writeFileSync } from 'node:fs';
import { CpuEngine } from '../cpu/cpuEngine';
import { bindActivation } from '../lab/activations';
import { type ExperimentConfig, formatError } from '../lab/config';
import { axisValues, MAX_PHASE_SIGMA } from '../lab/configPhase';
import { criticalSigmaW, measuredBoundary, type PhasePoint, phaseGrid, phaseProblems } from '../lab/phase';
import { phaseResultJson, type RunResult } from '../lab/results';
import { confirmEstimates } from './estimate';
import { parsePhaseArgs, USAGE } from './phaseArgs';
import { commandMain, loadConfig, runWithBar, UsageError } from './runCommand';

/** Fields a phase diagram sets itself at every point. */
const SET_BY_THE_GRID = ['init', 'sweep', 'bias'];

function phaseConfig(path: string | undefined): ExperimentConfig {
  if (!path) throw new UsageError(`A config file is needed: its "phase" names the grid.\n\n${USAGE}`);
  const { config, raw } = loadConfig(path);
  const problems = phaseProblems(config).map(formatError);
  for (const key of SET_BY_THE_GRID.filter((k) => k in raw))
    problems.push(
      `${key}: not used by npm run phase, which sets every point's W ~ N(0, σ_w²/n_in) and b ~ N(0, σ_b²); leave it out`,
    );
  if (problems.length)
    throw new UsageError(`Invalid phase config ${path}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return config;
}

const cell = (x: number | null) => (x === null ? '—' : x.toFixed(3));

/** Measured χ₁ by σ_b (rows) and σ_w (columns), then each row's boundary χ₁ = 1, measured and by theory. */
function report(result: RunResult, grid: PhasePoint[]): string {
  const { config } = result;
  const ws = axisValues(config.phase!.sigmaW);
  const header = ['σ_b \\ σ_w', ...ws.map((w) => w.toFixed(3))];
  const rows = axisValues(config.phase!.sigmaB).map((b, r) => [
    b.toFixed(3),
    ...grid.slice(r * ws.length, (r + 1) * ws.length).map((p) => cell(p.chi1.measured)),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((text, c) => text.padStart(widths[c])).join(' ');
  const phi = bindActivation(config.activation, config);
  const measured = measuredBoundary(grid, ws.length);
  const boundary = axisValues(config.phase!.sigmaB).map((b, r) => {
    const theory = criticalSigmaW(phi, b, 1e-3, MAX_PHASE_SIGMA);
    const found = measured[r];
    return `  σ_b = ${b.toFixed(3)}: measured ${found ? `σ_w ≈ ${found.sigmaW.toFixed(3)}` : 'not within the grid'}, theory ${theory === null ? 'none' : `σ_w = ${theory.toFixed(3)}`}`;
  });
  const where = result.device ? `${result.engine} (${result.device})` : result.engine;
  return [
    `engine: ${where}, ${result.timings.totalMs.toFixed(0)} ms, ${grid.length} networks × ${config.trials} trial(s)`,
    '',
    `χ₁ measured (the last layer's mean squared Jacobian singular value; order below 1, chaos above)`,
    line(header),
    ...rows.map(line),
    '',
    'The order–chaos boundary χ₁ = 1:',
    ...boundary,
  ].join('\n');
}

export const main = (argv: string[]): Promise<number> =>
  commandMain(parsePhaseArgs(argv), USAGE, 'Run failed', async (args, openGpu) => {
    const config = phaseConfig(args.configPath);
    const gpu = args.engine === 'gpu' ? await openGpu() : null;
    const engine = gpu ?? new CpuEngine();
    const name = gpu ? 'GPU' : 'CPU';
    await confirmEstimates([{ engine: name, estimate: await engine.estimate(config, { phase: true }) }], args.yes);
    const result = await runWithBar(engine, gpu ? `GPU (${gpu.device})` : 'CPU', config, { phase: true });
    const grid = phaseGrid(config, result.phase!);
    console.log(report(result, grid));
    if (args.out) writeFileSync(args.out, `${JSON.stringify(phaseResultJson(result), null, 2)}\n`);
    return 0;
  });

process.exitCode = await main(process.argv.slice(2));
