/** Series colours that stay distinct on light and dark backgrounds and for common colour-vision deficiencies (Okabe–Ito). */
import type uPlot from 'uplot';
export const seriesColors = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#8C6D1F', '#7F7F7F'];
export const colorOf = (i: number) => seriesColors[i % seriesColors.length];

export const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** A chart axis in the current theme's text and grid colours. */
export function themedAxis(label: string): uPlot.Axis {
  const grid = cssVar('--grid') || '#ddd';
  return { label, stroke: cssVar('--fg') || '#222', grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
}
