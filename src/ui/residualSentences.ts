/**
 * The numbers the section "Residual connections and normalization" quotes, from its finished runs and theory: how much
 * each network's stream grew over its blocks, and what LayerNorm did to the seed's σ sweep forward and backward.
 */
import type { RunResult } from '../lab/results';
import type { TheorySeries } from '../lab/theory';
import { formatNumber } from './format';

const figure = (x: number) => formatNumber(x, 3);

/** "plain: Z_l ×0.9 (theory ×1.00); …": each series' E[x²] from the first block to the last, measured and predicted. */
export function depthGrowth(result: RunResult, theory: TheorySeries[]): string {
  const last = result.config.depth - 1;
  const parts = result.series.map((s, i) => {
    const measured = s.layers[last].stream!.meanSq / s.layers[0].stream!.meanSq;
    const line = theory[i].layers;
    const predicted = line.length ? ` (theory ×${figure(line[last].stream!.meanSq / line[0].stream!.meanSq)})` : '';
    return `${s.label} ×${figure(measured)}${predicted}`;
  });
  return `From block 1 to block ${result.config.depth}, E[x²] changed: ${parts.join('; ')}.`;
}

/**
 * Per σ of a LayerNorm sweep: Var(H) at the last layer (what LayerNorm keeps, while Var(Z) stays above ε) and the
 * gradient at the first, E[(∂L/∂Z_1)²] (which still carries σ).
 */
export function layerNormSweep(result: RunResult): string {
  const { depth, architecture } = result.config;
  const parts = result.series.map((s) => {
    const [first, last] = [s.layers[0], s.layers[depth - 1]];
    return `${s.label}: Var(H_${depth}) = ${figure(last.post.var)}, Var(Z_${depth}) = ${figure(last.pre.var)}, E[(∂L/∂Z_1)²] = ${figure(first.grad!.meanSq)}`;
  });
  return `With LayerNorm (ε = ${figure(architecture.eps)}): ${parts.join('; ')}.`;
}
