/** Histograms of Xavier normal and Xavier uniform weights, drawn by the lab's samplers for one layer of the lab's width. */
import uPlot from 'uplot';
import { histogram } from '../lab/histogram';
import { distributionVariance, type InitSpec, weightDistribution } from '../lab/initializers';
import { sampleWeights } from '../lab/sampling';
import { formatNumber } from './format';
import { colorOf, cssVar } from './palette';
import { registerChart } from './testHooks';

const SPECS: InitSpec[] = [{ kind: 'xavier-normal' }, { kind: 'xavier-uniform' }];
/** Draws per form, rounded up to whole rows: enough for a smooth histogram at any width. */
const DRAWS = 40_000;
const BINS = 60;

export class XavierHistogram {
  private plot: uPlot | null = null;
  private width = 0;
  private seed = 0;

  constructor(private readonly host: HTMLElement) {
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(host);
  }

  show(width: number, seed: number): void {
    this.width = width;
    this.seed = seed;
    this.render();
  }

  render(): void {
    if (!this.width) return;
    const n = this.width;
    const rows = Math.ceil(DRAWS / n);
    const dists = SPECS.map((spec) => weightDistribution(spec, n, n));
    const limit = 4 * Math.sqrt(distributionVariance(dists[0]));
    const hists = dists.map((d, s) =>
      histogram(sampleWeights(d, { seed: this.seed, series: s, trial: 0, layer: 1 }, rows, n), -limit, limit, BINS),
    );
    const centers = hists[0].edges.slice(0, -1).map((e, i) => (e + hists[0].edges[i + 1]) / 2);
    const data = [centers, ...hists.map((h) => h.counts)];
    const fg = cssVar('--fg') || '#222';
    const grid = cssVar('--grid') || '#ddd';
    const variance = formatNumber(distributionVariance(dists[0]), 3);
    const series: uPlot.Series[] = [
      { label: 'w' },
      ...SPECS.map((spec, i) => ({
        label: spec.kind === 'xavier-normal' ? 'Xavier normal' : 'Xavier uniform',
        stroke: colorOf(i),
        fill: `${colorOf(i)}33`,
        width: 2,
        paths: uPlot.paths.stepped!({ align: 1 }),
        points: { show: false },
      })),
    ];
    const title = `Weights of a ${n}×${n} layer, ${rows * n} draws each (variance ${variance})`;
    this.host.setAttribute('aria-label', `Histogram: ${title}`);
    this.plot?.destroy();
    this.plot = new uPlot(
      {
        title,
        ...this.size(),
        scales: { x: { time: false } },
        axes: [
          { label: 'weight value', stroke: fg, grid: { stroke: grid } },
          { label: 'count', stroke: fg, grid: { stroke: grid }, size: 60 },
        ],
        series,
      },
      data as uPlot.AlignedData,
      this.host,
    );
    registerChart('xavier-histogram', {
      title: 'Xavier weights',
      quantity: 'weights',
      labels: series.slice(1).map((s) => String(s.label)),
      data,
      marks: [],
    });
  }

  private size() {
    const width = Math.max(280, this.host.clientWidth || 600);
    return { width, height: 240 };
  }
}
