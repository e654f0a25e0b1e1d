/**
 * The depth figures of "Residual connections and normalization": one run per network variant (residualConfigs.ts),
 * drawn as one chart of the stream's second moment E[x²] per block, each series beside its own theory
 * (residualConfigs.ts's joinVariants).
 */
import type { RunResult } from '../lab/results';
import { byId } from './dom';
import { ExperimentFigure } from './experimentFigure';
import { setLive } from './liveText';
import { joinVariants, NETWORK_VARIANTS } from './residualConfigs';
import { depthGrowth } from './residualSentences';
import { partJobId } from './runner';

export class DepthFigure {
  private readonly figure: ExperimentFigure;

  constructor(
    private readonly id: string,
    title: string,
  ) {
    this.figure = new ExperimentFigure(id, byId(`${id}-figure`), { stream: title });
  }

  /** `result` is the last variant's run; the others are the jobs planned before it. */
  show(result: RunResult, substitution: string, resultOf: (id: string) => RunResult | undefined): void {
    const earlier = NETWORK_VARIANTS.slice(0, -1).map((v) => resultOf(partJobId(this.id, v.id)));
    if (earlier.some((r) => !r)) return;
    const joined = joinVariants([...(earlier as RunResult[]), result]);
    this.figure.show(joined.result, substitution, joined.theory);
    setLive(`${this.id}-growth`, depthGrowth(joined.result, joined.theory));
  }

  restyle(): void {
    this.figure.restyle();
  }
}
