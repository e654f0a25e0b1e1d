/**
 * The hiking analogy drawn: hikingLandscape.ts's curve, and three walkers that take the same steps of gradient descent
 * on it. The dots are the walkers' actual iterates on the drawn curve, and the caption's numbers come from them.
 */
import { formatNumber } from './format';
import {
  descend,
  HIKING_STARTS,
  HIKING_STEP,
  HIKING_STEPS,
  HIKING_VIEW,
  hikingLoss,
  hikingSlope,
  px,
  py,
  VALLEY,
  type Walker,
} from './hikingLandscape';
import { registerDrawing } from './testHooks';

const SVG = 'http://www.w3.org/2000/svg';
const WALKERS: { name: Walker; color: string; label: string }[] = [
  { name: 'slope', color: 'var(--good)', label: 'start on the slope' },
  { name: 'plateau', color: 'var(--bad)', label: 'start on the plateau' },
  { name: 'cliff', color: 'var(--warn-fg)', label: 'start at the cliff' },
];

function node<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  return n;
}

function curvePath(): string {
  const samples = 480;
  const points: string[] = [];
  for (let i = 0; i <= samples; i++) {
    const x = HIKING_VIEW.x0 + ((HIKING_VIEW.x1 - HIKING_VIEW.x0) * i) / samples;
    const loss = hikingLoss(x);
    // Past the top of the box the cliff only leaves the picture; stop the line there.
    if (loss > HIKING_VIEW.top + 0.5) break;
    points.push(`${points.length ? 'L' : 'M'}${px(x).toFixed(2)},${py(loss).toFixed(2)}`);
  }
  return points.join(' ');
}

function caption(walks: { name: string; xs: number[]; losses: number[] }[]): string {
  const [slope, plateau, cliff] = walks;
  const fall = (w: (typeof walks)[number]) => w.losses[0] - w.losses[w.losses.length - 1];
  return (
    `An illustrative loss curve (not a measurement). Each walker takes the same ${HIKING_STEPS} steps of gradient ` +
    `descent, x ← x − η·L′(x) with η = ${HIKING_STEP} (dots: its positions). From the slope the loss falls from ` +
    `${formatNumber(slope.losses[0], 3)} to ${formatNumber(slope.losses[HIKING_STEPS], 2)}; on the plateau the ground ` +
    `is almost flat (L′ = ${formatNumber(hikingSlope(plateau.xs[0]), 2)}), so the walker moves only ` +
    `${formatNumber(plateau.xs[HIKING_STEPS] - plateau.xs[0], 2)} and its loss falls by ${formatNumber(fall(plateau), 2)}: ` +
    `downhill at every step, but crawling. At the cliff the slope is ${formatNumber(hikingSlope(cliff.xs[0]), 3)}: ` +
    `the first step throws the walker to x = ${formatNumber(cliff.xs[1], 3)}, onto the plateau.`
  );
}

export function drawHiking(host: HTMLElement, captionHost: HTMLElement): void {
  const { width, height } = HIKING_VIEW;
  const svg = node('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label':
      'A loss curve with a plateau, a slope down to the minimum and a cliff, and gradient descent from each',
  });
  const curve = curvePath();
  svg.append(node('path', { d: `${curve} L${px(HIKING_VIEW.x1)},${height} L0,${height} z`, fill: 'var(--ground)' }));
  svg.append(
    node('path', { d: curve, fill: 'none', stroke: 'var(--fg)', 'stroke-width': 2, 'data-testid': 'hiking-curve' }),
  );
  const walks = WALKERS.map(({ name }) => {
    const xs = descend(HIKING_STARTS[name]);
    return { name, xs, losses: xs.map(hikingLoss) };
  });
  walks.forEach((walk, w) => {
    const { color, label } = WALKERS[w];
    walk.xs.forEach((x, k) => {
      svg.append(
        node('circle', {
          cx: px(x),
          cy: py(hikingLoss(x)),
          r: k === 0 ? 7 : 4,
          fill: color,
          'data-walk': walk.name,
          'data-step': k,
        }),
      );
    });
    const [x] = walk.xs;
    const below = walk.name === 'slope';
    const text = node('text', {
      x: px(x),
      y: py(hikingLoss(x)) + (below ? 26 : -14),
      'text-anchor': walk.name === 'cliff' ? 'end' : 'middle',
      fill: 'var(--fg)',
      'font-size': 15,
    });
    text.textContent = label;
    svg.append(text);
  });
  const minimum = node('text', { x: px(VALLEY.centre), y: py(0) + 24, 'text-anchor': 'middle', fill: 'var(--fg)' });
  minimum.setAttribute('font-size', '15');
  minimum.textContent = 'minimum';
  svg.append(minimum);
  const axis = node('text', { x: 8, y: 18, fill: 'var(--muted)', 'font-size': 13 });
  axis.textContent = 'loss ↑   (one weight →)';
  svg.append(axis);
  host.replaceChildren(svg);
  captionHost.textContent = caption(walks);
  registerDrawing('hiking', { step: HIKING_STEP, walks });
}
