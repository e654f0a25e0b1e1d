/** The hiking analogy drawn: a 1-D loss curve, a start on the slope and a start in a cave, and the path from each. */
const SVG = 'http://www.w3.org/2000/svg';

/** An illustrative landscape (not a measurement): a wide bowl with a narrow pit on its left flank. */
const loss = (x: number) =>
  0.045 * (x - 2) ** 2 + 0.55 - 0.9 * Math.exp(-((x + 3) ** 2) / 0.18) + 0.35 * Math.exp(-((x + 2.2) ** 2) / 0.12);

function node<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  return n;
}

export function drawHiking(host: HTMLElement): void {
  const W = 640,
    H = 260,
    x0 = -6,
    x1 = 6,
    yTop = 2.6,
    yBottom = -0.5;
  const px = (x: number) => ((x - x0) / (x1 - x0)) * W;
  const py = (y: number) => ((yTop - y) / (yTop - yBottom)) * H;
  const path = (from: number, to: number, lift = 0) => {
    const steps = 80;
    return Array.from({ length: steps + 1 }, (_, i) => {
      const x = from + ((to - from) * i) / steps;
      return `${i ? 'L' : 'M'}${px(x).toFixed(1)},${(py(loss(x)) - lift).toFixed(1)}`;
    }).join(' ');
  };
  const svg = node('svg', {
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': 'A loss curve with a start on a slope and a start in a cave',
  });
  const defs = node('defs', {});
  for (const [id, color] of [
    ['arrow-good', 'var(--good)'],
    ['arrow-bad', 'var(--bad)'],
  ]) {
    const marker = node('marker', {
      id,
      viewBox: '0 0 10 10',
      refX: 8,
      refY: 5,
      markerWidth: 6,
      markerHeight: 6,
      orient: 'auto-start-reverse',
    });
    marker.append(node('path', { d: 'M0,0 L10,5 L0,10 z', fill: color }));
    defs.append(marker);
  }
  svg.append(defs);
  svg.append(node('path', { d: `${path(x0, x1)} L${W},${H} L0,${H} z`, fill: 'var(--ground)', stroke: 'none' }));
  svg.append(node('path', { d: path(x0, x1), fill: 'none', stroke: 'var(--fg)', 'stroke-width': 2 }));
  svg.append(
    node('path', {
      d: path(4.8, 2.15, 10),
      fill: 'none',
      stroke: 'var(--good)',
      'stroke-width': 3,
      'marker-end': 'url(#arrow-good)',
    }),
  );
  svg.append(
    node('path', {
      d: `${path(-3, -2.2, 10)} ${path(-2.2, 1.85, 10).replace('M', 'L')}`,
      fill: 'none',
      stroke: 'var(--bad)',
      'stroke-width': 3,
      'stroke-dasharray': '6 4',
      'marker-end': 'url(#arrow-bad)',
    }),
  );
  const dot = (x: number, color: string, label: string, dy: number, anchor = 'middle') => {
    svg.append(node('circle', { cx: px(x), cy: py(loss(x)), r: 7, fill: color }));
    const text = node('text', {
      x: px(x),
      y: py(loss(x)) + dy,
      'text-anchor': anchor,
      fill: 'var(--fg)',
      'font-size': 15,
    });
    text.textContent = label;
    svg.append(text);
  };
  dot(4.8, 'var(--good)', 'start on the slope', -16, 'end');
  dot(-3, 'var(--bad)', 'start in the cave', 26);
  dot(2, 'var(--fg)', 'minimum', 26);
  const axis = node('text', { x: 8, y: 18, fill: 'var(--muted)', 'font-size': 13 });
  axis.textContent = 'loss ↑   (one weight →)';
  svg.append(axis);
  host.replaceChildren(svg);
}
