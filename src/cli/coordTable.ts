/**
 * The terminal's coordinate check (src/lab/coordCheck.ts): `npm run train -- CONFIG --coord-check` records every step
 * of a training over a width list and prints, per initializer and step, each layer's RMS at every width and the
 * slope of log2 RMS against log2 width — 0 when the layer's coordinates keep their size as the network grows.
 */
import type { ExperimentConfig } from '../lab/config';
import { coordinateCheck } from '../lab/coordCheck';
import type { TrainResult } from '../lab/training';
import { UsageError } from './runCommand';

/** The most steps a coordinate check records: it looks at the first few updates, each one an entry. */
export const MAX_COORD_STEPS = 50;

/** The config a coordinate check trains: every step recorded, Z_t − Z_0 measured; refused, in words, when unfit. */
export function coordCheckConfig(config: ExperimentConfig): ExperimentConfig {
  if (!config.axes.width)
    throw new UsageError(
      `--coord-check compares widths: give width as a list, e.g. "width": [64, 128, 256, 512, 1024] (width = ${config.width}).`,
    );
  if (config.train.steps > MAX_COORD_STEPS)
    throw new UsageError(
      `--coord-check records every step: train.steps = ${config.train.steps} would make as many entries; give at most ${MAX_COORD_STEPS} (the check looks at the first few updates, e.g. "train": {"steps": 3}).`,
    );
  return { ...config, train: { ...config.train, evalEvery: 1, coordCheck: true } };
}

const number = (x: number) => (x === 0 ? '0' : Number.isFinite(x) ? x.toPrecision(3) : '—');

/** One table per initializer and step: a row per layer (Z, then φ(Z) and Z − Z₀), a column per width, the slope. */
export function coordTables(result: TrainResult): string {
  const lines: string[] = [];
  const kinds = [
    ['pre', 'Z'],
    ['post', 'φ(Z)'],
    ['delta', 'Z − Z₀'],
  ] as const;
  const groups = kinds.map(([of]) => coordinateCheck(result.series, of, 'rms'));
  groups[0].forEach((group, g) => {
    lines.push(`Coordinate check, ${group.label} (${result.config.parametrization.kind}): RMS against width`);
    group.panels.forEach((panel, p) => {
      lines.push(`  step ${panel.step}`);
      lines.push(`    ${'layer'.padEnd(14)}${group.widths.map((w) => `n = ${w}`.padStart(11)).join('')}      slope`);
      for (const [k, [, name]] of kinds.entries()) {
        for (const line of groups[k][g].panels[p].lines) {
          if (line.sizes.every(Number.isNaN)) continue;
          const fit = line.fit ? `${line.fit.slope >= 0 ? ' ' : ''}${line.fit.slope.toFixed(3)}` : '     —';
          const error = line.fit?.stderr != null ? ` ± ${line.fit.stderr.toFixed(3)}` : '';
          const row = `${name} ${line.layer}`.padEnd(14) + line.sizes.map((v) => number(v).padStart(11)).join('');
          lines.push(`    ${row}   ${fit}${error}`);
        }
      }
    });
  });
  return lines.join('\n');
}
