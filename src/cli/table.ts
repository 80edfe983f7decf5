/** A plain text table for people: columns padded to their widest cell, long cells cut. */
export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>, maxCell = 60): string {
  const cells = [headers, ...rows.map((row) => row.map((cell) => cut(cell === null || cell === undefined ? '-' : String(cell), maxCell)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
