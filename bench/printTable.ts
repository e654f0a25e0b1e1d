/** Prints rows of text as right-aligned columns under a header, as every bench table does. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  for (const line of [header, ...rows]) console.log(line.map((text, c) => text.padStart(widths[c])).join('  '));
}
