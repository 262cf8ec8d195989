/** One benchmark result and the table `npm run bench` prints. */
export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly goal: string;
  readonly ok: boolean;
}

/** A measured figure without a goal of its own (a part alone, a baseline). */
export const infoRow = (name: string, value: number, unit: string): BenchRow => ({
  name,
  value,
  unit,
  goal: '-',
  ok: true,
});

export function formatTable(rows: readonly BenchRow[]): string {
  const cells = rows.map((r) => [
    r.name,
    r.value.toFixed(r.value < 10 ? 3 : 1),
    r.unit,
    r.goal,
    r.ok ? 'ok' : 'MISSED',
  ]);
  const header = ['benchmark', 'value', 'unit', 'goal', 'status'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
