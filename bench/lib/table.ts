/** Plain-text tables for bench output: one row per tool, side by side; numbers right-aligned. */

export type Column = { title: string; align?: 'left' | 'right' };

export const renderTable = (columns: readonly Column[], rows: readonly (readonly string[])[]): string => {
  const widths = columns.map((column, index) => Math.max(column.title.length, ...rows.map((row) => (row[index] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, index) => (columns[index]?.align === 'right' ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.title)), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n') + '\n';
};

export const formatMiB = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

export const formatCount = (value: number): string => value.toLocaleString('en-US');

export const formatRatio = (numerator: number, denominator: number): string =>
  denominator > 0 && Number.isFinite(numerator) ? `${(numerator / denominator).toFixed(2)}×` : '-';
