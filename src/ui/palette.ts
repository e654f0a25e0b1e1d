/** Series colours that stay distinct on light and dark backgrounds and for common colour-vision deficiencies (Okabe–Ito). */
export const seriesColors = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#8C6D1F', '#7F7F7F'];
export const colorOf = (i: number) => seriesColors[i % seriesColors.length];

export const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
