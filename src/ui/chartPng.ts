/** A PNG of a uPlot chart as the page exports it: its title, the plot, and a key of its lines, on the theme's background. */
import type uPlot from 'uplot';
import { cssVar } from './palette';

export interface KeyEntry {
  label: string;
  color: string;
  /** Drawn as a dashed stroke (the chart's own dash), else as a solid bar. */
  dashed?: boolean;
}

/** `stroke`: key swatches drawn as strokes (dashed where the line is), else as bars; `note`: a line under the key. */
export function chartPng(plot: uPlot, title: string, entries: KeyEntry[], swatch: 'bar' | 'stroke', note?: string) {
  const source = plot.ctx.canvas;
  const ratio = source.width / plot.width;
  const line = 18 * ratio;
  const canvas = document.createElement('canvas');
  canvas.width = source.width;
  canvas.height = source.height + line * (entries.length + (note ? 3 : 2));
  const ctx = canvas.getContext('2d')!;
  const fg = cssVar('--fg') || '#222';
  ctx.fillStyle = cssVar('--bg') || '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = `${14 * ratio}px sans-serif`;
  ctx.fillStyle = fg;
  ctx.fillText(title, 10 * ratio, line);
  ctx.drawImage(source, 0, line * 1.5);
  entries.forEach((entry, i) => {
    const y = source.height + line * (i + 2.2);
    if (swatch === 'stroke') {
      ctx.strokeStyle = entry.color;
      ctx.lineWidth = 3 * ratio;
      ctx.setLineDash(entry.dashed ? [6 * ratio, 4 * ratio] : []);
      ctx.beginPath();
      ctx.moveTo(10 * ratio, y - 5 * ratio);
      ctx.lineTo(34 * ratio, y - 5 * ratio);
      ctx.stroke();
    } else {
      ctx.fillStyle = entry.color;
      ctx.fillRect(10 * ratio, y - 10 * ratio, 24 * ratio, 4 * ratio);
    }
    ctx.fillStyle = fg;
    ctx.fillText(entry.label, 42 * ratio, y);
  });
  if (note) ctx.fillText(note, 10 * ratio, source.height + line * (entries.length + 2.2));
  return canvas.toDataURL('image/png');
}
